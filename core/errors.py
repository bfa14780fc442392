"""The one domain error. The web layer shows it as a form error, the API as a 400."""

from django.utils.functional import Promise


class BusinessRuleError(Exception):
    def __init__(self, code: str, message: str | Promise, **params: object) -> None:
        self.code = code
        self.message = message
        self.params = params
        super().__init__(str(message))
