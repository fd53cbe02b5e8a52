"""Letter codes: readable, typed any way, and a mistyped one caught by its check character."""

import pytest

from feedback.codes import (
    ALPHABET,
    LENGTH,
    check_character,
    code_display,
    code_new,
    code_normalise,
    code_well_formed,
)


def test_the_alphabet_has_no_look_alikes_and_a_prime_size():
    assert not set("01OIL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31


def test_new_codes_are_eight_characters_of_the_alphabet_and_pass_their_check():
    for _ in range(2000):
        code = code_new()
        assert len(code) == LENGTH and set(code) <= set(ALPHABET)
        assert code_well_formed(code)


def test_new_codes_differ():
    assert len({code_new() for _ in range(5000)}) == 5000


@pytest.mark.parametrize("typed", ["k7pmx9qd", "K7PM-X9QD", " k7pm x9qd ", "K7PM–X9QD", "k7pm_x9qd", "K7PM.X9QD\n"])
def test_a_code_is_accepted_in_any_case_with_or_without_dash_or_spaces(typed):
    assert code_normalise(typed) == "K7PMX9QD"


def test_codes_are_shown_grouped_in_fours():
    assert code_display("K7PMX9QD") == "K7PM-X9QD"
    assert code_display("short") == "short"


def test_every_single_character_substitution_is_caught():
    for _ in range(50):
        code = code_new()
        for position in range(LENGTH):
            for character in ALPHABET:
                if character != code[position]:
                    typo = code[:position] + character + code[position + 1 :]
                    assert not code_well_formed(typo), (code, typo)


def test_every_adjacent_transposition_is_caught():
    for _ in range(500):
        code = code_new()
        for position in range(LENGTH - 1):
            a, b = code[position], code[position + 1]
            if a != b:
                swapped = code[:position] + b + a + code[position + 2 :]
                assert not code_well_formed(swapped), (code, swapped)


def test_the_check_character_completes_any_body():
    body = "K7PMX9Q"
    assert code_well_formed(body + check_character(body))


@pytest.mark.parametrize("typed", ["", "K7PM", "K7PMX9QDX", "K7PM0X9Q", "k7pmo9qd", "K7PMI9QD"])
def test_wrong_lengths_and_look_alike_characters_are_not_well_formed(typed):
    assert not code_well_formed(code_normalise(typed))
