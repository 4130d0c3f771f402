"""geoprover: a neuro-symbolic prover for olympiad plane geometry."""

__version__ = "0.1.0"
