"""Prior influence (Zhang, Veselovsky, McCoy & Griffiths 2025, arXiv 2504.12585): errors on deterministic tasks
drift toward high-prior answers; probes localise the prior; layer-restricted finetuning on disjoint answers."""
