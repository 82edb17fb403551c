"""Fill the English catalog: the source strings are English, so each msgstr is its msgid.

Run by `make translations-update` after `pybabel update`; Chinese is translated by hand.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

path = Path(__file__).parent / "en" / "LC_MESSAGES" / "messages.po"
with path.open("rb") as file:
    catalog = read_po(file, locale="en")
for message in catalog:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if message.id and (not all(strings) or message.fuzzy):
        message.string = message.id  # a (singular, plural) pair for plural messages
        message.flags.discard("fuzzy")
with path.open("wb") as file:
    write_po(file, catalog, omit_header=False, sort_output=True, include_lineno=False)
