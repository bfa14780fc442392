"""The 2022 format (DOMAIN §9): one unit's tables 表1-表10; 表11 comes from the performance app."""
