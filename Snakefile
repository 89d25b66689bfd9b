# lmrepro: every paper's pipeline as one DAG. Targets: `all` (enabled papers + summary) and one per paper slug.
#   snakemake -c all                                   all enabled papers at the default scale (small)
#   snakemake -c all meco --config scale=ci seed=3     one paper, another scale, another base seed
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/meco.smk"
include: "rules/sami.smk"
include: "rules/wechsel.smk"
include: "rules/word_class.smk"
include: "rules/climb.smk"


rule all:
    input:
        summary_target(),
    default_target: True


rule meco:
    input:
        claims_target("meco"),


rule sami:
    input:
        claims_target("sami"),


rule wechsel:
    input:
        claims_target("wechsel"),


rule word_class:
    input:
        claims_target("word_class"),


rule climb:
    input:
        claims_target("climb"),
