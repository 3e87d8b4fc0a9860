"""Write a deterministic synthetic companion site: essays, episodes and a glossary.

    python benchmarks/generate.py OUT --essays 1000 --episodes 200 --concepts 300

Essays are about 1,500 words with headings, lists, quotes, footnotes, tags, wikilinks and plain
mentions of glossary terms; episodes have chapters; concepts have aliases and relations. The same
arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = [
    "the",
    "war",
    "front",
    "line",
    "talks",
    "summit",
    "ceasefire",
    "guarantee",
    "leaders",
    "army",
    "pressure",
    "costs",
    "settlement",
    "mediator",
    "offer",
    "border",
    "sanctions",
    "treaty",
    "winter",
    "offensive",
    "reserves",
    "map",
    "negotiators",
    "capital",
    "alliance",
    "promise",
    "deadline",
    "signal",
    "retreat",
    "position",
    "ground",
    "time",
    "parties",
    "agreement",
    "violence",
    "monitors",
    "withdrawal",
    "referendum",
    "status",
    "security",
]
# recurring phrases and names that are not concepts, for `suggest` to find (`--phrases`)
PLANTED = [
    *("war of attrition", "security dilemma", "face-saving formula", "red line"),
    *("escalation ladder", "bargaining range", "audience costs", "frozen conflict"),
    *("decent interval", "credible commitment", "buffer zone", "peace dividend"),
    *("Ines Carvalho", "Tomas Berg", "Amara Okafor", "Lena Vogt", "Rafael Ortiz"),
]
TAGS = [
    "negotiation",
    "history",
    "summits",
    "security",
    "ceasefires",
    "mediation",
    "europe",
    "asia",
    "africa",
    "economics",
]


def sentence(rng: random.Random, terms: list[str], mention_rate: float) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 18))]
    if terms and rng.random() < mention_rate:
        words.insert(rng.randrange(len(words)), rng.choice(terms))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, terms: list[str]) -> str:
    return " ".join(sentence(rng, terms, 0.3) for _ in range(rng.randint(4, 7)))


def essay_body(rng: random.Random, slugs: list[str], terms: list[str]) -> str:
    parts = []
    for section in range(5):
        parts.append(f"## Part {section + 1}: {rng.choice(WORDS)} and {rng.choice(WORDS)}")
        for _ in range(3):
            parts.append(paragraph(rng, terms))
        if section == 1:
            parts.append("\n".join(f"- {sentence(rng, terms, 0.2)}" for _ in range(4)))
        if section == 2:
            parts.append(f"> {sentence(rng, terms, 0)} {sentence(rng, terms, 0)}")
        if section == 3 and slugs:
            picks = rng.sample(slugs, min(3, len(slugs)))
            parts.append(
                f"See [[{picks[0]}]], [[{picks[1 % len(picks)]}|this idea]] and "
                f"[[glossary/{picks[-1]}]].[^1]"
            )
    parts.append(f"[^1]: {sentence(rng, [], 0)}")
    return "\n\n".join(parts) + "\n"


def planted_paragraph(rng: random.Random) -> str:
    """Two of the planted phrases, the first ones more often (so they rank in order)."""
    picks = rng.choices(PLANTED, weights=[1 / (n + 1) for n in range(len(PLANTED))], k=2)
    return " ".join(f"{p[0].upper()}{p[1:]} again: {sentence(rng, [], 0)}" for p in picks)


def generate(
    out: Path, essays: int, episodes: int, concepts: int, seed: int = 1, phrases: bool = False
) -> None:
    """With `phrases`, each essay also gets a paragraph naming two of PLANTED, drawn from a
    generator of its own: without it, the corpus is the same bytes as before there was one."""
    rng = random.Random(seed)
    plant = random.Random(seed + 1)
    out.mkdir(parents=True, exist_ok=True)
    (out / "site.yaml").write_text(
        "title: Synthetic Companion\nbase_url: https://example.org/synthetic/\n"
        "author: {name: Bench Mark}\nglossary: {autolink: first}\nsearch: true\n",
        encoding="utf-8",
    )
    for folder in ("essays", "episodes", "glossary", "pages"):
        (out / "content" / folder).mkdir(parents=True, exist_ok=True)
    slugs = [f"concept-{i:05d}" for i in range(concepts)]
    terms = [f"concept term {i}" for i in range(concepts)]
    for i, slug in enumerate(slugs):
        related = rng.sample(slugs, min(2, concepts - 1)) if concepts > 2 else []
        related = [r for r in related if r != slug]
        (out / "content/glossary" / f"{slug}.md").write_text(
            f"---\nterm: {terms[i]}\ndefinition: {sentence(rng, [], 0)}\n"
            f"aliases: [alias {i}]\nrelated: [{', '.join(related)}]\n---\n\n"
            f"{paragraph(rng, terms)}\n",
            encoding="utf-8",
        )
    for n in range(1, episodes + 1):
        chapters = "\n".join(
            f'  - {{start: "{m * 7}:00", title: Chapter {m + 1}}}' for m in range(5)
        )
        (out / "content/episodes" / f"{n:04d}-episode-{n}.md").write_text(
            f"---\ntitle: Episode about {rng.choice(WORDS)} {n}\nnumber: {n}\n"
            f"date: {2010 + n // 40}-{n % 12 + 1:02d}-{n % 27 + 1:02d}\n"
            f'audio: {{url: "https://media.example.org/{n}.mp3", length: {40_000_000 + n}, '
            f'type: audio/mpeg}}\nduration: "45:00"\nchapters:\n{chapters}\n'
            f"concepts: [{', '.join(rng.sample(slugs, min(2, concepts)))}]\n---\n\n"
            f"{paragraph(rng, terms)}\n\n{paragraph(rng, terms)}\n",
            encoding="utf-8",
        )
    for n in range(essays):
        year, month, day = 2000 + n // 300, n % 12 + 1, n % 28 + 1
        episode = f"episode: {n % episodes + 1}\n" if episodes and n % 3 == 0 else ""
        (out / "content/essays" / f"{year}-{month:02d}-{day:02d}-essay-{n}.md").write_text(
            f'---\ntitle: "Essay {n}: on {rng.choice(WORDS)}"\ndate: {year}-{month:02d}-{day:02d}\n'
            f"summary: {sentence(rng, [], 0)}\ntags: [{', '.join(rng.sample(TAGS, 2))}]\n"
            f"concepts: [{', '.join(rng.sample(slugs, min(2, concepts)))}]\n{episode}---\n\n"
            f"{essay_body(rng, slugs, terms)}"
            + (f"\n{planted_paragraph(plant)}\n" if phrases else ""),
            encoding="utf-8",
        )
    (out / "content/pages/about.md").write_text(
        "---\ntitle: About\nmenu: 1\n---\n\nAbout.\n", encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--phrases", action="store_true", help="plant recurring phrases and names for `suggest`"
    )
    args = parser.parse_args()
    generate(args.out, args.essays, args.episodes, args.concepts, args.seed, args.phrases)


if __name__ == "__main__":
    main()
