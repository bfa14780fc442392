"""Password complexity (等保: 口令复杂度): characters of at least three of the four kinds."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class CharacterClassesValidator:
    CLASSES = (
        set(string.ascii_lowercase),
        set(string.ascii_uppercase),
        set(string.digits),
    )

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def _classes(self, password: str) -> int:
        found = sum(1 for chars in self.CLASSES if any(c in chars for c in password))
        return found + (1 if any(not c.isalnum() for c in password) else 0)

    def validate(self, password, user=None):
        if self._classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must contain characters of at least %(min)d kind of the four: lower-case letters, upper-case letters, digits, symbols.",
            "Your password must contain characters of at least %(min)d kinds of the four: lower-case letters, upper-case letters, digits, symbols.",
            self.min_classes,
        ) % {"min": self.min_classes}
