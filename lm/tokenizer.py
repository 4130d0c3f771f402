"""A word-level sentencepiece tokenizer over the serialised language.

Every word of :mod:`lm.serialize` (a construction, a predicate, a point name, a
separator, a literal) is one token. The vocabulary is learnt from the training
text plus the whole language (every construction and predicate name, point names
``a`` .. ``z9``, the auxiliary points ``*1`` .. ``*16``), so a problem the corpus never showed still encodes without
unknown words. The model file is saved inside each checkpoint.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import sentencepiece as spm

from geometry.constructions import CATALOGUE
from geometry.names import point_name
from geometry.predicates import Kind

from .serialize import AUX, END_AUX, GOAL, ITEM, MAX_NEW_POINTS, SEP, new_point

__all__ = ["TOKENIZER_FILE", "Tokenizer", "TokenizerError", "language_words", "train_tokenizer"]

TOKENIZER_FILE = "tokenizer.model"
PAD, UNK, BOS, EOS = 0, 1, 2, 3


class TokenizerError(ValueError):
    """A tokenizer file that is missing or cannot be read."""


def language_words() -> list[str]:
    """Every word the language can write, whether or not the corpus uses it."""
    words = [SEP, GOAL, AUX, END_AUX, ITEM, "="]
    words += sorted(CATALOGUE)
    words += sorted(k.value for k in Kind)
    words += [point_name(i) for i in range(26 * 10)]
    words += [new_point(i) for i in range(1, MAX_NEW_POINTS + 1)]
    return list(dict.fromkeys(words))


class Tokenizer:
    """Encode serialised text to ids and back (one id per word)."""

    def __init__(self, model_proto: bytes) -> None:
        self._sp = spm.SentencePieceProcessor()
        try:
            self._sp.LoadFromSerializedProto(model_proto)
        except Exception as e:  # sentencepiece raises RuntimeError/OSError variants
            raise TokenizerError(f"not a sentencepiece model ({type(e).__name__}: {e})") from None
        if self._sp.pad_id() != PAD or self._sp.eos_id() != EOS or self._sp.bos_id() != BOS:
            raise TokenizerError("sentencepiece model without the expected pad/bos/eos ids")
        self.proto = model_proto
        self.pad_id, self.unk_id, self.bos_id, self.eos_id = PAD, UNK, BOS, EOS

    @classmethod
    def load(cls, folder: str | Path) -> Tokenizer:
        path = Path(folder) / TOKENIZER_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise TokenizerError(f"{path}: no such file") from None
        except OSError as e:
            raise TokenizerError(f"{path}: cannot read: {e}") from None
        try:
            return cls(data)
        except TokenizerError as e:
            raise TokenizerError(f"{path}: {e}") from None

    def save(self, folder: str | Path) -> Path:
        path = Path(folder) / TOKENIZER_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(self.proto)
        tmp.replace(path)
        return path

    def __len__(self) -> int:
        return self._sp.get_piece_size()

    def word_id(self, word: str) -> int:
        """The id of one word (``unk_id`` when the vocabulary lacks it)."""
        return self._sp.piece_to_id("\u2581" + word)

    def encode(self, text: str, bos: bool = True, eos: bool = False) -> list[int]:
        ids = [self.word_id(w) for w in text.split()]
        return ([BOS] if bos else []) + ids + ([EOS] if eos else [])

    def decode(self, ids: Iterable[int]) -> str:
        words = []
        for i in ids:
            i = int(i)
            if i in (PAD, BOS, EOS):
                continue
            words.append(self._sp.id_to_piece(i).lstrip("\u2581") if i != UNK else "<unk>")
        return " ".join(words)


def train_tokenizer(lines: Iterable[str], min_count: int = 1) -> Tokenizer:
    """A word-level model over ``lines`` and the whole language (see :func:`language_words`)."""
    counts: dict[str, int] = {}
    for line in lines:
        for w in line.split():
            counts[w] = counts.get(w, 0) + 1
    words = set(language_words()) | {w for w, c in counts.items() if c >= min_count}

    def sentences() -> Iterator[str]:
        yield from sorted(words)  # every word once, in a fixed order (deterministic vocab)

    return _train(sentences(), len(words))


def _train(sentences: Iterator[str], n_words: int) -> Tokenizer:
    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=sentences,
        model_writer=out,
        model_type="word",
        vocab_size=n_words + 4,
        hard_vocab_limit=False,
        pad_id=PAD, unk_id=UNK, bos_id=BOS, eos_id=EOS,
        normalization_rule_name="identity",
        split_by_whitespace=True,
        character_coverage=1.0,
        max_sentence_length=1 << 16,
        minloglevel=2,
    )
    return Tokenizer(out.getvalue())


def vocabulary(tok: Tokenizer) -> Sequence[str]:
    """The words of the vocabulary, by id (specials as ``<pad>`` etc.)."""
    return [tok._sp.id_to_piece(i).lstrip("\u2581") for i in range(len(tok))]
