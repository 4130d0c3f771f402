"""DD+AR: the deductive database, algebraic reasoning, traceback and the proof checker.

Importing the package registers the default rule matchers (:mod:`ddar.matchers`) with
:mod:`ddar.registry`, where the engine finds them.
"""
from . import matchers as _matchers  # noqa: F401  (registers the default matchers)
