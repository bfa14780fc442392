"""Performance targets, the August checkpoint and self-evaluation (DOMAIN §6-8): see issue #4."""
