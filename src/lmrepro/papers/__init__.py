"""One package per paper: src/lmrepro/papers/<slug>/, one module per stage. No paper imports another."""
