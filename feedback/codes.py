"""The codes printed on closure letters: 8 characters a family can read and type without mistakes.

The alphabet leaves out characters that look alike (0 and O, 1, I and L): 31 characters, a prime
number. The last character is a check character: the weighted sum of every character's value (the
first weighted 1, the second 2, ... the check 8) is a multiple of 31. Because 31 is prime and the
weights 1 to 8 are all different and none is a multiple of 31, changing any one character changes
the sum by a non-multiple of 31, and swapping two neighbours changes it by the difference of their
values: every single mistyped character and every swap of two different neighbouring characters is
caught, so the page can say "check the code on your letter" rather than "unknown code".
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, a prime
LENGTH = 8
VALUES = {character: value for value, character in enumerate(ALPHABET)}
INVERSE_OF_LAST_WEIGHT = pow(LENGTH, -1, BASE)
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_.]+")


def weighted_sum(characters: str) -> int:
    return sum((position + 1) * VALUES[character] for position, character in enumerate(characters))


def check_character(body: str) -> str:
    """The eighth character for a body of seven."""
    return ALPHABET[(-weighted_sum(body) * INVERSE_OF_LAST_WEIGHT) % BASE]


def code_new() -> str:
    """A new random code, stored as 8 capitals without the dash."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return body + check_character(body)


def code_normalise(typed: str) -> str:
    """What a person typed, as a stored code would be: capitals, without spaces or dashes."""
    return SEPARATORS.sub("", typed or "").upper()


def code_well_formed(code: str) -> bool:
    """A normalised code of the right length, from the alphabet, whose check character agrees."""
    if len(code) != LENGTH or any(character not in VALUES for character in code):
        return False
    return weighted_sum(code) % BASE == 0


def code_display(code: str) -> str:
    """Grouped in fours for reading: K7PM-X9QD."""
    return f"{code[:4]}-{code[4:]}" if len(code) == LENGTH else code
