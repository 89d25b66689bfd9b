"""lmrepro: reproductions of language-model papers as Snakemake DAGs at ci / small / paper scale."""
from pathlib import Path

__version__ = "0.1.0"
REPO_ROOT = Path(__file__).resolve().parents[2]
