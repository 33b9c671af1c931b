"""The search query language: parsing, spelling corrections, synonym expansion and the tsquery it becomes."""

from __future__ import annotations

from service.search.query import Lexicon, Term, parse, plan, synonym_index, to_tsquery_text


def rendered(text: str, lexicon: Lexicon | None = None) -> str:
    return to_tsquery_text(plan(parse(text), lexicon or Lexicon()))


def test_words_are_all_required_and_the_last_is_a_prefix() -> None:
    parsed = parse("qualified lead")
    assert [clause.terms for clause in parsed.clauses] == [
        (Term(("qualified",)),),
        (Term(("lead",), prefix=True),),
    ]
    assert rendered("qualified lead") == "'qualified' & ('lead':*)"


def test_phrases_or_and_exclusion() -> None:
    parsed = parse('"net revenue" OR arr -churn')
    first, second = parsed.clauses
    assert [t.words for t in first.terms] == [("net", "revenue"), ("arr",)]
    assert second.terms == (Term(("churn",), negated=True),)
    assert rendered('"net revenue" OR arr -churn') == "(('net' <-> 'revenue') | 'arr') & !'churn'"


def test_a_query_ending_in_a_phrase_has_no_prefix() -> None:
    assert rendered('"sales deck"') == "('sales' <-> 'deck')"
    assert rendered('-"old deck"') == "!('old' <-> 'deck')"


def test_noise_is_ignored() -> None:
    assert parse("").empty
    assert parse('  "" - OR ').empty
    assert [t.words for c in parse('"open phrase').clauses for t in c.terms] == [("open", "phrase")]
    assert rendered("OR lead OR") == "('lead':*)"
    assert rendered("mql's") == "('mql' <-> 's')"  # punctuation splits words into an adjacent phrase


def test_quotes_in_words_cannot_break_the_tsquery() -> None:
    assert rendered("o'brien\\ x") == "('o' <-> 'brien') & ('x':*)"


def test_corrections_replace_misspelled_words() -> None:
    lexicon = Lexicon(corrections={"qualifed": "qualified", "leed": "lead"})
    assert rendered("qualifed leed", lexicon) == "'qualified' & 'lead'"


def test_a_known_prefix_is_kept_with_its_completions() -> None:
    lexicon = Lexicon(completions={"marketi": ("marketing",)}, corrections={"marketi": "market"})
    assert rendered("marketi", lexicon) == "('marketi':* | 'marketing')"


def test_a_run_of_words_spelling_a_glossary_term_also_matches_its_synonyms() -> None:
    lexicon = Lexicon(synonyms=synonym_index([["marketing qualified lead", "mql"]]))
    assert rendered("marketing qualified lead", lexicon) == ("(('marketing' & 'qualified' & ('lead':*)) | 'mql')")
    assert rendered("MQL pricing", lexicon) == "('MQL' | ('marketing' <-> 'qualified' <-> 'lead')) & ('pricing':*)"
    assert rendered('"marketing qualified lead"', lexicon) == ("(('marketing' <-> 'qualified' <-> 'lead') | 'mql')")


def test_synonyms_apply_after_spelling_corrections() -> None:
    lexicon = Lexicon(
        corrections={"qualifed": "qualified"}, synonyms=synonym_index([["marketing qualified lead", "mql"]])
    )
    assert "'mql'" in rendered("marketing qualifed lead", lexicon)


def test_excluded_words_are_never_expanded() -> None:
    lexicon = Lexicon(synonyms=synonym_index([["mql", "marketing qualified lead"]]), corrections={"mql": "sql"})
    assert rendered("lead -mql", lexicon) == "'lead' & !'mql'"
