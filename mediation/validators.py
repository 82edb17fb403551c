"""Checks for the identifiers people type: resident ID, USCC, mobile number, amounts.

Each ``normalise_*`` function returns the canonical form or raises ``InvalidValue`` with a
message in the user's language. Forms and the JSON API both call these, so a number that
one accepts the other accepts too.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from wtforms import Field, Form
from wtforms.validators import ValidationError

from mediation.translation import lazy_gettext as _l

# GB 11643-1999: weights 2^(17-i) mod 11, check characters indexed by the weighted sum mod 11.
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"
# GB 32100-2015: 31 characters (no I, O, S, V, Z), weights 3^i mod 31.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_SEPARATORS = re.compile(r"[\s\-]")


class InvalidValue(ValueError):
    def __init__(self, message) -> None:
        super().__init__(message)  # a lazy string: translated when shown, not when raised
        self.message = message


def resident_id_check_character(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalise_resident_id(raw: str, *, today: date | None = None) -> str:
    value = _SEPARATORS.sub("", raw or "").upper()
    # [0-9], not \d: \d also takes full-width and other scripts' digits.
    if not re.fullmatch(r"[1-9][0-9]{16}[0-9X]", value):
        raise InvalidValue(
            _l("A resident ID number has 18 characters: 17 digits, then a digit or X.")
        )
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidValue(_l("The birth date in this ID number does not exist.")) from None
    if not date(1900, 1, 1) <= birth <= (today or date.today()):
        raise InvalidValue(_l("The birth date in this ID number is not possible."))
    if value[17] != resident_id_check_character(value[:17]):
        raise InvalidValue(
            _l("The last character of this ID number does not match; please check each digit.")
        )
    return value


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def normalise_uscc(raw: str) -> str:
    value = _SEPARATORS.sub("", raw or "").upper()
    if len(value) != 18:
        raise InvalidValue(_l("A unified social credit code has exactly 18 characters."))
    forbidden = sorted({c for c in value if c not in USCC_CHARSET})
    if forbidden:
        raise InvalidValue(
            _l(
                "A unified social credit code never contains %(letters)s "
                "(only digits and capital letters other than I, O, S, V, Z).",
                letters=" ".join(forbidden),
            )
        )
    if value[17] != uscc_check_character(value[:17]):
        raise InvalidValue(
            _l("The last character of this code does not match; please check each character.")
        )
    return value


def normalise_mobile(raw: str) -> str:
    value = _SEPARATORS.sub("", raw or "").removeprefix("+86")
    if not re.fullmatch(r"1[3-9][0-9]{9}", value):
        raise InvalidValue(_l("Enter an 11-digit mainland mobile number, e.g. 13800138000."))
    return value


def normalise_amount(raw: str | Decimal, *, maximum: Decimal = Decimal("100000000")) -> Decimal:
    """A non-negative amount of yuan with at most two decimal places."""
    text = str(raw).strip().replace(",", "").replace("，", "").removeprefix("¥")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidValue(_l("Enter an amount in yuan, e.g. 6500 or 6500.50.")) from None
    if not amount.is_finite():
        raise InvalidValue(_l("Enter an amount in yuan, e.g. 6500 or 6500.50."))
    if amount < 0:
        raise InvalidValue(_l("An amount cannot be negative."))
    # Checked before rounding: rounding a number past Decimal's 28 digits raises.
    if amount > maximum:
        raise InvalidValue(_l("This amount is too large; please check it."))
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidValue(_l("An amount has at most two decimal places (fen)."))
    return abs(amount.quantize(Decimal("0.01")))  # abs: "-0" is zero, not "-¥0.00"


class Normalised:
    """WTForms validator: runs a ``normalise_*`` function and keeps its canonical result."""

    def __init__(self, normalise) -> None:
        self.normalise = normalise

    def __call__(self, form: Form, field: Field) -> None:
        if not field.data:
            return
        try:
            field.data = self.normalise(field.data)
        except InvalidValue as error:
            raise ValidationError(error.message) from None
