"""The language model that proposes auxiliary constructions.

It knows only the text of problems and proofs (never the engine):

* :mod:`lm.serialize` -- the compact text form, canonical point names and back;
* :mod:`lm.tokenizer` -- a word-level sentencepiece vocabulary, saved in each checkpoint;
* :mod:`lm.model` -- Llama-style decoders of named sizes, checkpoint folders;
* :mod:`lm.data` -- training text from a ``geoprover synth`` corpus, split by figure;
* :mod:`lm.train` -- pretraining and fine-tuning with the ``transformers`` Trainer;
* :mod:`lm.proposer` -- beam search for the next auxiliary clause (a search proposer);
* :mod:`lm.evaluate` -- validation loss and first-clause accuracy against a baseline.

Everything but :mod:`lm.serialize` needs the ``lm`` extra (torch, transformers,
sentencepiece).
"""
