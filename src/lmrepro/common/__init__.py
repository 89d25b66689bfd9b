"""Plumbing shared by every paper: config, seeding, atomic IO, tracking, models, tokenizers, training, claims."""
