"""The rules for a password that a person chooses (OWASP ASVS 5.0, V6.2).

A password is refused when it is shorter than 10 characters, when it is one of the passwords
people in China use most (``common_passwords.txt``; zxcvbn's own lists are English), when it
holds the person's mobile number, ID number or the birth date in it (anyone who has seen a
form of theirs knows them), or when zxcvbn estimates it can be guessed in fewer than 10^10
tries (a score below 3). zxcvbn also looks for the person's name and username and for this
platform's words, which are the first things someone guessing tries.
There is no rule about kinds of characters (ASVS V6.2.5): length and guessability decide.

The rules apply where a person types a new password: the registration pages and API bodies,
changing and resetting a password, ``flask create-staff`` and the admin's staff form. They are
not in the hashing (``accounts.hash_password``), so the demo accounts keep ``demo-2026``.

zxcvbn's feedback is English only; the messages here say which rule failed in the reader's
language instead.
"""

import threading
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from mediation.translation import lazy_gettext as _l

MIN_LENGTH = 10
MAX_LENGTH = 128
# zxcvbn's 3: "safely unguessable", more than 10^10 guesses.
MIN_SCORE = 3

# Words of this platform and of labour disputes, in English and pinyin: someone who guesses
# passwords here tries them first (ASVS V6.2.11).
CONTEXT_WORDS = (
    "mediation",
    "labour",
    "labor",
    "dispute",
    "arbitration",
    "tiaojie",
    "laodong",
    "zhengyi",
    "laodongzhengyi",
    "zhongcai",
    "renshe",
    "renshiju",
    "gongzi",
    "gonghui",
    "qingyuan",
)

TOO_SHORT = _l(
    "Use at least %(min)d characters. A few words that do not belong together make a long "
    "password that is still easy to remember.",
    min=MIN_LENGTH,
)
TOO_LONG = _l("Use at most %(max)d characters.", max=MAX_LENGTH)
COMMON = _l(
    "This is one of the passwords people use most, so it is among the first that anyone "
    "guessing tries. Choose a password of your own."
)
PERSONAL = _l(
    "Do not use your name, birthday, mobile number, ID number or username in your password: "
    "others know them, and they are the first things someone guessing tries."
)
KEYBOARD = _l(
    "Rows or columns of the keyboard, like qwerty or 1qaz2wsx, are easy to guess. Choose "
    "something less predictable."
)
REPEATED = _l(
    "Repeated characters or patterns, like aaaa or abcabc, are easy to guess. Choose something "
    "less predictable."
)
SEQUENCE = _l(
    "Sequences, like abcd or 123456, are easy to guess. Choose something less predictable."
)
DATES = _l(
    "Dates and years, like a birthday, are easy to guess. Choose something less predictable."
)
WORDS = _l(
    "Common words, names and passwords are easy to guess, even with digits or symbols added. "
    "Add more words, or less common ones."
)
WEAK = _l(
    "This password is too easy to guess. Make it longer, for example with a few more words "
    "that do not belong together."
)
# Beside the field, before anything was typed.
HINT = _l(
    "At least %(min)d characters, and hard to guess: not a common password, not your name or "
    "numbers, not a keyboard pattern. A few words that do not belong together are strong and "
    "easy to remember.",
    min=MIN_LENGTH,
)

# What makes a password weak, by zxcvbn's pattern.
_PATTERN_MESSAGES = {
    "spatial": KEYBOARD,
    "repeat": REPEATED,
    "sequence": SEQUENCE,
    "date": DATES,
    "dictionary": WORDS,
}

# zxcvbn keeps the user inputs of a check in a module-level dictionary: two checks at once in
# threads of one process would see each other's.
_zxcvbn_lock = threading.Lock()


def _folded(text: str) -> str:
    """Compared as typed on any keyboard: full-width characters of a Chinese input method as
    their ASCII twins, any case."""
    return unicodedata.normalize("NFKC", text).casefold()


@cache
def common_passwords() -> frozenset[str]:
    lines = Path(__file__).with_name("common_passwords.txt").read_text("utf-8").splitlines()
    return frozenset(
        _folded(line.strip()) for line in lines if line.strip() and not line.startswith("#")
    )


def personal_words(
    *,
    name: str | None = None,
    phone: str | None = None,
    id_number: str | None = None,
    username: str | None = None,
) -> list[str]:
    """What others may know of the person: the values typed or held, and the parts of the
    numbers people make passwords of (the birth date and last six characters of the ID number,
    the last eight digits of the mobile number)."""
    words = [name, username, phone, id_number]
    if phone and len(phone) == 11:
        words.append(phone[-8:])
    if id_number and len(id_number) == 18:
        words += [id_number[6:14], id_number[-6:]]
    return [word for word in words if word]


def account_words(user) -> list[str]:
    """The personal words of an account (``models.User``)."""
    return personal_words(
        name=user.name, phone=user.phone, id_number=user.id_number, username=user.username
    )


def refusal(password: str, personal: Iterable[str | None] = ()):
    """Why ``password`` may not be chosen, as a lazy message (the first rule it breaks), or
    None when it may. ``personal``: the person's words, see :func:`personal_words`."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    folded = _folded(password)
    if folded in common_passwords():
        return COMMON
    personal = [_folded(word) for word in personal if word]
    # The numbers others hold on paper (and the birth date in the ID number), whatever
    # surrounds them: zxcvbn would let a long enough tail make up for them.
    if any(_number_like(word) and word in folded for word in personal):
        return PERSONAL
    # zxcvbn's word lists take 13 MB in each web worker: loaded by the first new password,
    # not at start-up, since most workers only ever check passwords against their hashes.
    from zxcvbn import zxcvbn

    with _zxcvbn_lock:
        estimate = zxcvbn(password, user_inputs=[*personal, *CONTEXT_WORDS], max_length=MAX_LENGTH)
    if estimate["score"] >= MIN_SCORE:
        return None
    return _weakness(estimate["sequence"], set(personal))


def _number_like(word: str) -> bool:
    return len(word) >= 8 and word.isascii() and word.isalnum()


def _weakness(sequence: list[dict], personal: set[str]):
    """The message for what zxcvbn found guessable: the person's own words first, else the
    pattern of the longest guessable part."""
    if any(
        match["pattern"] == "dictionary"
        and match["dictionary_name"] == "user_inputs"
        and match["matched_word"] in personal
        for match in sequence
    ):
        return PERSONAL
    guessable = [match for match in sequence if match["pattern"] != "bruteforce"]
    if not guessable:
        return WEAK
    longest = max(guessable, key=lambda match: len(match["token"]))
    if longest.get("regex_name") == "recent_year":
        return DATES
    if longest["pattern"] == "dictionary" and _keyboard_walk(longest["token"]):
        return KEYBOARD  # zxcvbn's list of passwords holds the common walks (zxcvbnm, 1qaz2wsx)
    return _PATTERN_MESSAGES.get(longest["pattern"], WEAK)


def _keyboard_walk(token: str) -> bool:
    """Whether ``token`` is made of walks on a QWERTY keyboard, 3 keys or more each."""
    from zxcvbn import matching  # loaded by refusal() already

    keys: set[int] = set()
    for walk in matching.spatial_match(token.lower()):
        if walk["graph"] == "qwerty" and walk["j"] - walk["i"] >= 2:
            keys.update(range(walk["i"], walk["j"] + 1))
    return len(keys) == len(token)
