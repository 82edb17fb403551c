"""The identifiers people type: resident ID, USCC, mobile number, amounts (mediation.validators).

The check characters are recomputed here from the standards' own definitions (GB 11643-1999 /
ISO 7064 MOD 11-2 and GB 32100-2015), not from the module's tables, so a wrong weight or
character table in the module shows up as a disagreement. No database, no app: the messages are
lazy strings, read here in English (their msgid) and, in one test, in Chinese.
"""

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField

from mediation.validators import (
    USCC_CHARSET,
    InvalidValue,
    Normalised,
    normalise_amount,
    normalise_mobile,
    normalise_resident_id,
    normalise_uscc,
    resident_id_check_character,
    uscc_check_character,
)

# What the person typing sees, exactly.
ID_FORMAT = "A resident ID number has 18 characters: 17 digits, then a digit or X."
ID_NO_SUCH_DATE = "The birth date in this ID number does not exist."
ID_IMPOSSIBLE_DATE = "The birth date in this ID number is not possible."
ID_CHECK = "The last character of this ID number does not match; please check each digit."
USCC_LENGTH = "A unified social credit code has exactly 18 characters."
USCC_FORBIDDEN = (
    "A unified social credit code never contains {} "
    "(only digits and capital letters other than I, O, S, V, Z)."
)
USCC_CHECK = "The last character of this code does not match; please check each character."
MOBILE = "Enter an 11-digit mainland mobile number, e.g. 13800138000."
AMOUNT_FORMAT = "Enter an amount in yuan, e.g. 6500 or 6500.50."
AMOUNT_NEGATIVE = "An amount cannot be negative."
AMOUNT_FEN = "An amount has at most two decimal places (fen)."
AMOUNT_TOO_LARGE = "This amount is too large; please check it."

ANNEX_ID = "11010519491231002X"  # GB 11643-1999, annex example
DEMO_USCC = "91350100M000100Y43"  # GB 32100-2015 example, also in the demo data


# --- reference check characters, from the standards' definitions --------------------------


def reference_id_check(first17: str) -> str:
    """ISO 7064 MOD 11-2: with W_i = 2^(i-1) mod 11, counting i from the right (check = 1),
    the check value a_1 makes sum(a_i * W_i) = 1 (mod 11); the value 10 is written X."""
    total = sum(int(digit) * pow(2, 17 - k, 11) for k, digit in enumerate(first17))
    value = next(v for v in range(11) if (total + v) % 11 == 1)
    return "X" if value == 10 else str(value)


# GB 32100-2015, table of code characters (no I, O, S, V, Z) and the printed weights W_i.
GB32100_VALUES = dict(zip("0123456789ABCDEFGHJKLMNPQRTUWXY", range(31), strict=True))
GB32100_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def reference_uscc_check(first17: str) -> str:
    """C18 = 31 - MOD(sum(C_i * W_i), 31); a result of 31 is written 0."""
    total = sum(GB32100_VALUES[c] * w for c, w in zip(first17, GB32100_WEIGHTS, strict=True))
    value = 31 - total % 31
    return next(c for c, v in GB32100_VALUES.items() if v == value % 31)


def message_of(excinfo: pytest.ExceptionInfo) -> str:
    return str(excinfo.value.message)


# --- resident ID -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (ANNEX_ID, ANNEX_ID),
        ("441802199003150013", "441802199003150013"),
        ("441802198807200026", "441802198807200026"),
        ("440305199512251040", "440305199512251040"),
        ("11010519491231002x", ANNEX_ID),
        ("110105 19491231 002X", ANNEX_ID),
        ("110105-19491231-002X", ANNEX_ID),
        ("  11010519491231002X\n", ANNEX_ID),
        ("110105\u300019491231\u3000002x", ANNEX_ID),
        ("110101200002290018", "110101200002290018"),
        ("110101202402290016", "110101202402290016"),
        ("110101190001010014", "110101190001010014"),
    ],
    ids=[
        "GB 11643 annex example, check X",
        "demo worker1",
        "demo worker2",
        "check character 0",
        "lower-case x is upper-cased",
        "spaces between the blocks are dropped",
        "hyphens between the blocks are dropped",
        "surrounding whitespace is dropped",
        "full-width (ideographic) spaces are dropped",
        "29 February 2000: a leap year by the 400-year rule",
        "29 February 2024",
        "1 January 1900: the earliest birth date accepted",
    ],
)
def test_a_valid_resident_id_comes_back_in_canonical_form(raw, canonical):
    assert normalise_resident_id(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("11010519491231002", ID_FORMAT),
        ("11010519491231002X1", ID_FORMAT),
        ("110105491231002", ID_FORMAT),
        ("01010519491231002X", ID_FORMAT),
        ("1101051949123100X2", ID_FORMAT),
        ("11010519491231002Y", ID_FORMAT),
        ("1101051949123I002X", ID_FORMAT),
        ("１１０１０５１９４９１２３１００２Ｘ", ID_FORMAT),
        ("", ID_FORMAT),
        (None, ID_FORMAT),
        ("110101199002300014", ID_NO_SUCH_DATE),
        ("110101190002290011", ID_NO_SUCH_DATE),
        ("110101202302290019", ID_NO_SUCH_DATE),
        ("110101199013010012", ID_NO_SUCH_DATE),
        ("110101199000010013", ID_NO_SUCH_DATE),
        ("11010119900100001X", ID_NO_SUCH_DATE),
        ("110101199001320013", ID_NO_SUCH_DATE),
        ("440524188001010014", ID_IMPOSSIBLE_DATE),
        ("11010118991231001X", ID_IMPOSSIBLE_DATE),
        ("110101299901010019", ID_IMPOSSIBLE_DATE),
        ("110105194912310021", ID_CHECK),
        ("110105194912310020", ID_CHECK),
        ("11010519491231003X", ID_CHECK),
        ("11010519491213002X", ID_CHECK),
    ],
    ids=[
        "17 characters: the check character is missing",
        "19 characters",
        "15-digit first-generation number",
        "cannot start with 0",
        "X only in the last place",
        "no letter other than X",
        "letter I typed for digit 1",
        "full-width digits are not converted",
        "empty",
        "missing (None)",
        "30 February",
        "29 February 1900: not a leap year",
        "29 February 2023",
        "month 13",
        "month 00",
        "day 00",
        "day 32",
        "GB 11643 annex example born 1880: before 1900",
        "31 December 1899",
        "born in 2999: in the future",
        "annex example with check 1 instead of X",
        "annex example with check 0 instead of X",
        "one wrong digit in the sequence code",
        "two adjacent digits swapped (day 31 typed 13)",
    ],
)
def test_an_invalid_resident_id_says_what_is_wrong(raw, message):
    with pytest.raises(InvalidValue) as excinfo:
        normalise_resident_id(raw)
    assert message_of(excinfo) == message


def test_a_birth_date_today_is_accepted_and_tomorrow_is_not():
    assert normalise_resident_id("110101202401010019", today=date(2024, 1, 1))
    with pytest.raises(InvalidValue) as excinfo:
        normalise_resident_id("110101202401020014", today=date(2024, 1, 1))
    assert message_of(excinfo) == ID_IMPOSSIBLE_DATE


def test_any_single_mistyped_digit_or_adjacent_swap_in_an_id_is_caught():
    """MOD 11-2 catches every single substitution and every adjacent transposition."""
    typos = {
        ANNEX_ID[:i] + digit + ANNEX_ID[i + 1 :]
        for i in range(1, 17)
        for digit in "0123456789"
        if digit != ANNEX_ID[i]
    }
    swaps = {
        ANNEX_ID[:i] + ANNEX_ID[i + 1] + ANNEX_ID[i] + ANNEX_ID[i + 2 :]
        for i in range(17)
        if ANNEX_ID[i] != ANNEX_ID[i + 1]
    }
    accepted = []
    for wrong in sorted(typos | swaps):
        try:
            normalise_resident_id(wrong)
        except InvalidValue:
            continue
        accepted.append(wrong)
    assert accepted == []


def test_the_id_check_character_agrees_with_iso_7064_mod_11_2():
    rng = random.Random(11643)
    bases = [ANNEX_ID[:17], "44052418800101001"] + [
        "".join(rng.choice("0123456789") for _ in range(17)) for _ in range(500)
    ]
    disagreements = [
        (base, resident_id_check_character(base), reference_id_check(base))
        for base in bases
        if resident_id_check_character(base) != reference_id_check(base)
    ]
    assert disagreements == []
    assert {reference_id_check(base) for base in bases} == set("0123456789X")


# --- unified social credit code -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (DEMO_USCC, DEMO_USCC),
        ("914403001922038216", "914403001922038216"),
        ("91330100716105852F", "91330100716105852F"),
        ("91440300MA5F100100", "91440300MA5F100100"),
        ("91440300MA5F10000Y", "91440300MA5F10000Y"),
        ("52110000MJ00000016", "52110000MJ00000016"),
        ("11100000000013127D", "11100000000013127D"),
        ("91350100m000100y43", DEMO_USCC),
        ("913501-00M000100-Y43", DEMO_USCC),
        (" 9135 0100 M000 100Y 43 ", DEMO_USCC),
        ("91350100M000100Y43\u3000", DEMO_USCC),
    ],
    ids=[
        "GB 32100 example used by the demo",
        "published enterprise code, digit check",
        "published enterprise code, letter check",
        "check value 31 is written 0",
        "check value 30 is Y, the last character",
        "social organisation (5) with MJ body",
        "government agency (1)",
        "lower case is upper-cased",
        "hyphens are dropped",
        "spaces in groups of four are dropped",
        "full-width (ideographic) space is dropped",
    ],
)
def test_a_valid_uscc_comes_back_in_canonical_form(raw, canonical):
    assert normalise_uscc(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("91350100M000100Y4", USCC_LENGTH),
        ("91350100M000100Y433", USCC_LENGTH),
        ("350100400000123", USCC_LENGTH),
        ("", USCC_LENGTH),
        (None, USCC_LENGTH),
        ("9135010IM000100Y43", USCC_FORBIDDEN.format("I")),
        ("9135O100M000100Y43", USCC_FORBIDDEN.format("O")),
        ("91350100S000100Y43", USCC_FORBIDDEN.format("S")),
        ("91350100V000100Y43", USCC_FORBIDDEN.format("V")),
        ("91350100M000100Z43", USCC_FORBIDDEN.format("Z")),
        ("91350100M000100Y4o", USCC_FORBIDDEN.format("O")),
        ("9135O10IM000100Y43", USCC_FORBIDDEN.format("I O")),
        ("91350100M000100Y4_", USCC_FORBIDDEN.format("_")),
        ("９1350100M000100Y43", USCC_FORBIDDEN.format("９")),
        ("91350100M000100Y44", USCC_CHECK),
        ("91350100M000100Y40", USCC_CHECK),
        ("91350100M000101Y43", USCC_CHECK),
        ("913501000M00100Y43", USCC_CHECK),
    ],
    ids=[
        "17 characters",
        "19 characters",
        "15-digit pre-2015 business registration number",
        "empty",
        "missing (None)",
        "I is not used",
        "letter O typed for digit 0",
        "S is not used",
        "V is not used",
        "Z is not used",
        "lower-case o in the check place is named as O",
        "several forbidden letters are all named, sorted",
        "punctuation is named",
        "full-width digit is named, not converted",
        "wrong check character",
        "check character 0 instead of 3",
        "one mistyped character in the body",
        "two adjacent characters swapped",
    ],
)
def test_an_invalid_uscc_says_what_is_wrong(raw, message):
    with pytest.raises(InvalidValue) as excinfo:
        normalise_uscc(raw)
    assert message_of(excinfo) == message


def test_the_uscc_alphabet_is_gb_32100s():
    assert "".join(GB32100_VALUES) == USCC_CHARSET
    assert not set("IOSVZ") & set(USCC_CHARSET)


def test_the_uscc_check_character_agrees_with_gb_32100():
    rng = random.Random(32100)
    bases = [DEMO_USCC[:17]] + [
        "".join(rng.choice(USCC_CHARSET) for _ in range(17)) for _ in range(1000)
    ]
    disagreements = [
        (base, uscc_check_character(base), reference_uscc_check(base))
        for base in bases
        if uscc_check_character(base) != reference_uscc_check(base)
    ]
    assert disagreements == []
    assert {reference_uscc_check(base) for base in bases} == set(USCC_CHARSET)


# --- mobile number -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("13800138000", "13800138000"),
        ("14512345678", "14512345678"),
        ("15012345678", "15012345678"),
        ("16612345678", "16612345678"),
        ("17012345678", "17012345678"),
        ("18912345678", "18912345678"),
        ("19912345678", "19912345678"),
        ("+8613800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+86-138-0013-8000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        (" 13800138000\t", "13800138000"),
        ("138\u30000013\u30008000", "13800138000"),
    ],
    ids=[
        "13x",
        "14x",
        "15x",
        "16x",
        "17x",
        "18x",
        "19x",
        "+86 country code is dropped",
        "+86 with spaces",
        "+86 with hyphens",
        "spaces in 3-4-4 groups",
        "surrounding whitespace",
        "full-width (ideographic) spaces",
    ],
)
def test_a_valid_mobile_number_comes_back_as_eleven_digits(raw, canonical):
    assert normalise_mobile(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "12345678901",
        "11012345678",
        "10086123456",
        "23800138000",
        "01012345678",
        "1380013800",
        "138001380001",
        "008613800138000",
        "8613800138000",
        "+852 9123 4567",
        "+86",
        "(138) 0013 8000",
        "1380013800O",
        "",
        None,
    ],
    ids=[
        "prefix 12",
        "prefix 11",
        "prefix 10",
        "must start with 1",
        "Beijing landline with area code",
        "10 digits",
        "12 digits",
        "0086 instead of +86",
        "86 without the plus",
        "Hong Kong number",
        "country code alone",
        "parentheses",
        "letter O typed for 0",
        "empty",
        "missing (None)",
    ],
)
def test_an_invalid_mobile_number_asks_for_eleven_digits(raw):
    with pytest.raises(InvalidValue) as excinfo:
        normalise_mobile(raw)
    assert message_of(excinfo) == MOBILE


# --- amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("6500", "6500.00"),
        ("6500.5", "6500.50"),
        ("6500.50", "6500.50"),
        ("0", "0.00"),
        ("0.01", "0.01"),
        ("6,500.50", "6500.50"),
        ("1,234,567.89", "1234567.89"),
        ("6，500", "6500.00"),
        ("¥6500", "6500.00"),
        ("¥6,500.50", "6500.50"),
        ("  6500 ", "6500.00"),
        (Decimal("6500.5"), "6500.50"),
        ("100000000", "100000000.00"),
    ],
    ids=[
        "whole yuan",
        "one decimal place (jiao)",
        "two decimal places (fen)",
        "zero",
        "one fen",
        "thousands comma",
        "several thousands commas",
        "full-width comma",
        "yuan sign",
        "yuan sign and thousands comma",
        "surrounding spaces",
        "a Decimal, as the API hands it over",
        "exactly the default maximum",
    ],
)
def test_a_valid_amount_comes_back_with_two_decimal_places(raw, shown):
    amount = normalise_amount(raw)
    assert isinstance(amount, Decimal)
    assert str(amount) == shown


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", AMOUNT_FORMAT),
        ("", AMOUNT_FORMAT),
        ("6500元", AMOUNT_FORMAT),
        ("6500.50.1", AMOUNT_FORMAT),
        ("-1", AMOUNT_NEGATIVE),
        ("-0.01", AMOUNT_NEGATIVE),
        (Decimal("-6500"), AMOUNT_NEGATIVE),
        ("0.001", AMOUNT_FEN),
        ("6500.505", AMOUNT_FEN),
        ("100000000.01", AMOUNT_TOO_LARGE),
        ("99999999999999999999999999", AMOUNT_TOO_LARGE),
    ],
    ids=[
        "not a number",
        "empty",
        "unit typed after the number",
        "two decimal points",
        "negative",
        "one fen below zero",
        "negative Decimal",
        "a tenth of a fen",
        "three decimal places",
        "one fen above the default maximum",
        "26 digits",
    ],
)
def test_an_invalid_amount_says_what_is_wrong(raw, message):
    with pytest.raises(InvalidValue) as excinfo:
        normalise_amount(raw)
    assert message_of(excinfo) == message


def test_the_maximum_of_an_amount_can_be_lowered():
    assert normalise_amount("500", maximum=Decimal("500")) == Decimal("500.00")
    with pytest.raises(InvalidValue) as excinfo:
        normalise_amount("500.01", maximum=Decimal("500"))
    assert message_of(excinfo) == AMOUNT_TOO_LARGE


# --- the WTForms validator -----------------------------------------------------------------


class ContactForm(Form):
    mobile = StringField(validators=[Normalised(normalise_mobile)])
    id_number = StringField(validators=[Normalised(normalise_resident_id)])


def test_a_form_keeps_the_canonical_value_it_checked():
    typed = {"mobile": "+86 138 0013 8000", "id_number": "11010519491231002x"}
    form = ContactForm(MultiDict(typed))
    assert form.validate()
    assert form.data == {"mobile": "13800138000", "id_number": ANNEX_ID}


def test_a_form_shows_the_validators_message_beside_the_field():
    form = ContactForm(MultiDict({"mobile": "12345678901", "id_number": "110105194912310021"}))
    assert not form.validate()
    assert [str(error) for error in form.mobile.errors] == [MOBILE]
    assert [str(error) for error in form.id_number.errors] == [ID_CHECK]


def test_a_form_leaves_an_empty_field_to_the_required_check():
    form = ContactForm(MultiDict({"mobile": "", "id_number": ""}))
    assert form.validate()
    assert form.data == {"mobile": "", "id_number": ""}


# --- the messages in the interface languages -----------------------------------------------


INVALID_INPUTS = [
    (normalise_resident_id, "1101051949123100"),
    (normalise_resident_id, "110101199002300014"),
    (normalise_resident_id, "110101299901010019"),
    (normalise_resident_id, "110105194912310021"),
    (normalise_uscc, "9135"),
    (normalise_uscc, "9135O100M000100Y43"),
    (normalise_uscc, "91350100M000100Y44"),
    (normalise_mobile, "12345678901"),
    (normalise_amount, "abc"),
    (normalise_amount, "-1"),
    (normalise_amount, "0.001"),
    (normalise_amount, "100000000.01"),
]


@pytest.fixture(scope="module")
def babel_app():
    app = Flask(__name__)
    translations = Path(__file__).resolve().parents[2] / "translations"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    Babel(app)
    with app.app_context():
        yield app


@pytest.mark.parametrize(
    ("normalise", "raw"),
    INVALID_INPUTS,
    ids=[f"{normalise.__name__}({raw!r})" for normalise, raw in INVALID_INPUTS],
)
def test_every_message_is_shown_in_chinese_to_a_chinese_reader(babel_app, normalise, raw):
    with pytest.raises(InvalidValue) as excinfo:
        normalise(raw)
    with force_locale("en"):
        english = str(excinfo.value.message)
    with force_locale("zh_CN"):
        chinese = str(excinfo.value.message)
    assert chinese != english
    assert any("\u4e00" <= character <= "\u9fff" for character in chinese), chinese


def test_the_chinese_message_names_the_forbidden_character_too(babel_app):
    with pytest.raises(InvalidValue) as excinfo:
        normalise_uscc("91350100M000100Y4#")
    with force_locale("zh_CN"):
        assert "#" in str(excinfo.value.message)


# --- bugs these tests found (fixed in validators.py) ---------------------------------------


@pytest.mark.parametrize(
    "raw", ["1" + "0" * 26, "1e30"], ids=["27 digits", "scientific notation 1e30"]
)
def test_an_absurdly_large_amount_is_reported_as_too_large(raw):
    with pytest.raises(InvalidValue) as excinfo:
        normalise_amount(raw)
    assert message_of(excinfo) == AMOUNT_TOO_LARGE


@pytest.mark.parametrize(
    ("normalise", "raw"),
    [
        (normalise_resident_id, "1１0105１9491231002X"),
        (normalise_mobile, "138００138000"),
        (normalise_mobile, "138٠٠١٣٨٠٠٠"),
    ],
    ids=["ID with full-width digits", "mobile with full-width digits", "Arabic-Indic digits"],
)
def test_a_number_with_non_ascii_digits_is_rejected_or_converted(normalise, raw):
    try:
        value = normalise(raw)
    except InvalidValue:
        return
    assert value.isascii(), value


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "sNaN"])
def test_a_non_number_amount_is_asked_for_again_not_called_negative(raw):
    with pytest.raises(InvalidValue) as excinfo:
        normalise_amount(raw)
    assert message_of(excinfo) == AMOUNT_FORMAT


@pytest.mark.parametrize("raw", ["-0", "-0.00"])
def test_minus_zero_comes_back_as_plain_zero(raw):
    assert not normalise_amount(raw).is_signed()
