"""The search query language, parsed once and rendered for a backend: pure code, no I/O.

Syntax (the same as PostgreSQL's `websearch_to_tsquery`, which users of web search engines already know):
words are all required; `"a quoted phrase"` must appear as written; `OR` between two terms accepts either;
`-word` or `-"a phrase"` excludes. The last bare word of the query is also a prefix (search as you type).

`plan()` then applies what the backend learned about the words (spelling corrections, glossary synonyms) and
`to_tsquery_text()` renders the result for `to_tsquery()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MAX_TERMS = 32  # longer queries are cut: nobody types more, and every term costs index work
_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    """One required (or excluded) unit: a word, or a phrase of words that must be adjacent."""

    words: tuple[str, ...]
    phrase: bool = False
    negated: bool = False
    prefix: bool = False  # the last bare word: also matches words it begins
    completions: tuple[str, ...] = ()  # known words the prefix begins

    @property
    def plain(self) -> bool:
        """A single, positive, unquoted word: the kind of term spelling correction and synonyms work on."""
        return not self.phrase and not self.negated and len(self.words) == 1


@dataclass(frozen=True)
class Clause:
    """Alternatives joined by OR; the query requires every clause."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.clauses

    def words(self) -> list[tuple[str, bool]]:
        """Every word in order, with whether it is a prefix: what the backend looks up."""
        return [(word, term.prefix) for clause in self.clauses for term in clause.terms for word in term.words]


def parse(text: str) -> ParsedQuery:
    """Parse `text`; never fails (stray quotes, dangling OR and lone dashes are ignored)."""
    pending: list[list[Term]] = []
    join_next = False
    count = 0
    for match in _TOKEN.finditer(text):
        if count >= MAX_TERMS:
            break
        negated = match.group(1) == "-"
        raw = match.group(2) if match.group(2) is not None else match.group(3)
        is_quoted = match.group(2) is not None
        if not is_quoted and raw.upper() == "OR":
            join_next = bool(pending)
            continue
        if not is_quoted and raw.startswith("-") and len(raw) > 1:
            negated, raw = True, raw[1:]
        words = tuple(_WORD.findall(raw))
        if not words:
            continue
        term = Term(words=words, phrase=len(words) > 1 or is_quoted, negated=negated)
        count += 1
        if join_next and pending:
            pending[-1].append(term)
        else:
            pending.append([term])
        join_next = False
    clauses = [Clause(tuple(terms)) for terms in pending]
    if clauses:
        last = clauses[-1].terms[-1]
        ending_quote = text.rstrip().endswith('"')
        if last.plain and not ending_quote:
            clauses[-1] = Clause((*clauses[-1].terms[:-1], Term(last.words, prefix=True)))
    return ParsedQuery(tuple(clauses))


@dataclass(frozen=True)
class Lexicon:
    """What a backend knows about the query's words: spelling and glossary synonyms (all folded: lower case,
    accents removed)."""

    folded: Mapping[str, str] = field(default_factory=dict)  # word -> folded word
    corrections: Mapping[str, str] = field(default_factory=dict)  # folded misspelling -> known word
    # Folded words that begin known words, with the most frequent of those words: "marketi" is not a prefix of
    # the stem "market", so the completions ("marketing") are searched too.
    completions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Folded glossary term -> its group ("marketing qualified lead" -> ("marketing qualified lead", "mql")).
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def fold(self, word: str) -> str:
        return self.folded.get(word, word.lower())


@dataclass(frozen=True)
class Alternative:
    """Terms that together (all of them) satisfy one clause, or a synonym phrase standing for them."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class PlannedClause:
    options: tuple[Alternative, ...]


def plan(query: ParsedQuery, lexicon: Lexicon) -> tuple[PlannedClause, ...]:
    """Correct misspelled words, then widen runs of words that spell a glossary term with the term's synonyms."""
    clauses = [Clause(tuple(_corrected(term, lexicon) for term in clause.terms)) for clause in query.clauses]
    groups = lexicon.synonyms
    planned: list[PlannedClause] = []
    index = 0
    while index < len(clauses):
        run = _longest_synonym_run(clauses, index, groups, lexicon)
        if run:
            covered = clauses[index : index + run[0]]
            original = Alternative(tuple(clause.terms[0] for clause in covered))
            planned.append(PlannedClause((original, *run[1])))
            index += run[0]
            continue
        clause = clauses[index]
        options = [Alternative((term,)) for term in clause.terms]
        for term in clause.terms:  # a quoted phrase that is a glossary term also finds its synonyms
            if term.phrase and not term.negated:
                key = " ".join(lexicon.fold(w) for w in term.words)
                options.extend(_phrases(groups.get(key, ()), exclude=key))
        planned.append(PlannedClause(tuple(options)))
        index += 1
    return tuple(planned)


def _corrected(term: Term, lexicon: Lexicon) -> Term:
    if term.negated:
        return term
    words = []
    prefix = term.prefix
    for word in term.words:
        folded = lexicon.fold(word)
        if term.prefix and folded in lexicon.completions:
            words.append(word)
            continue
        correction = lexicon.corrections.get(folded)
        if correction is not None:
            words.append(correction)
            prefix = False  # the word was finished, just misspelled
        else:
            words.append(word)
    completions = lexicon.completions.get(lexicon.fold(words[0]), ()) if prefix else ()
    return Term(tuple(words), phrase=term.phrase, negated=term.negated, prefix=prefix, completions=completions)


def synonym_index(groups: Iterable[Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Each folded term of each group -> its whole group: what `Lexicon.synonyms` holds."""
    index: dict[str, tuple[str, ...]] = {}
    for group in groups:
        for term in group:
            index[term] = tuple(group)
    return index


def _longest_synonym_run(
    clauses: list[Clause], start: int, groups: Mapping[str, tuple[str, ...]], lexicon: Lexicon
) -> tuple[int, list[Alternative]] | None:
    """The longest run of single-word clauses from `start` that spells a glossary term, with its synonyms."""
    words: list[str] = []
    best: tuple[int, list[Alternative]] | None = None
    for clause in clauses[start:]:
        if len(clause.terms) != 1 or not clause.terms[0].plain:
            break
        words.append(lexicon.fold(clause.terms[0].words[0]))
        key = " ".join(words)
        if key in groups:
            best = (len(words), _phrases(groups[key], exclude=key))
    return best if best and best[1] else None


def _phrases(group: Sequence[str], *, exclude: str) -> list[Alternative]:
    found = []
    for term in group:
        if term == exclude:
            continue
        words = tuple(_WORD.findall(term))
        if words:
            found.append(Alternative((Term(words, phrase=len(words) > 1),)))
    return found


def _quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _term_text(term: Term) -> str:
    if term.prefix:
        # The prefix is stemmed like any word, which can cut it past the stem of the word being typed ("marketi"
        # vs "market"): the known completions cover that.
        text = "(" + " | ".join([f"{_quote(term.words[0])}:*", *(_quote(c) for c in term.completions)]) + ")"
    elif len(term.words) == 1:
        text = _quote(term.words[0])
    else:
        text = "(" + " <-> ".join(_quote(w) for w in term.words) + ")"
    return f"!{text}" if term.negated else text


def to_tsquery_text(planned: Sequence[PlannedClause]) -> str:
    """Render for PostgreSQL's `to_tsquery(config, text)`, which stems each quoted word through the config."""
    clauses = []
    for clause in planned:
        options = []
        for option in clause.options:
            parts = [_term_text(term) for term in option.terms]
            options.append(parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")")
        clauses.append(options[0] if len(options) == 1 else "(" + " | ".join(options) + ")")
    return " & ".join(clauses)


def to_any_tsquery_text(planned: Sequence[PlannedClause]) -> str | None:
    """Any one of the query's positive terms (synonyms included): which documents' titles and summaries deserve
    ranking at all. None when the query has no positive term."""
    seen: dict[str, None] = {}
    for clause in planned:
        for option in clause.options:
            for term in option.terms:
                if not term.negated:
                    seen[_term_text(term)] = None
    return " | ".join(seen) if seen else None
