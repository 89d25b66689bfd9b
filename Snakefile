# lmrepro: every paper's pipeline as one DAG. Targets: `all` (enabled papers + summary) and one per paper slug.
#   snakemake -c all                                   all enabled papers at the default scale (small)
#   snakemake -c all meco --config scale=ci seed=3     one paper, another scale, another base seed
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "rules/common.smk"
include: "rules/meco.smk"
include: "rules/rmt.smk"
include: "rules/sami.smk"
include: "rules/wechsel.smk"
include: "rules/sentence_lm.smk"
include: "rules/word_class.smk"
include: "rules/spt.smk"
include: "rules/climb.smk"
include: "rules/karel_meaning.smk"
include: "rules/cross_dative.smk"
include: "rules/implicit_reward.smk"
include: "rules/coh.smk"
include: "rules/context_pref.smk"
include: "rules/phf.smk"
include: "rules/tl_training.smk"
include: "rules/spar.smk"
include: "rules/preflexor.smk"
include: "rules/neurofeedback.smk"
include: "rules/kappatune.smk"
include: "rules/chocollama.smk"
include: "rules/kid.smk"
include: "rules/explanation_roles.smk"
include: "rules/prior_influence.smk"
include: "rules/pcp.smk"
include: "rules/uncertainty_tuning.smk"
include: "rules/context_awareness.smk"
include: "rules/sar.smk"
include: "rules/lsk.smk"
include: "rules/lexical_specialization.smk"
include: "rules/multilingual_cpt.smk"
include: "rules/camlang.smk"
include: "rules/speech_cpt.smk"
include: "rules/rth.smk"
include: "rules/lid.smk"
include: "rules/grif.smk"


rule all:
    input:
        summary_target(),
    default_target: True


rule meco:
    input:
        claims_target("meco"),


rule rmt:
    input:
        claims_target("rmt"),


rule sami:
    input:
        claims_target("sami"),


rule wechsel:
    input:
        claims_target("wechsel"),


rule sentence_lm:
    input:
        claims_target("sentence_lm"),


rule word_class:
    input:
        claims_target("word_class"),


rule spt:
    input:
        claims_target("spt"),


rule climb:
    input:
        claims_target("climb"),


rule karel_meaning:
    input:
        claims_target("karel_meaning"),


rule cross_dative:
    input:
        claims_target("cross_dative"),
        f"results/{SCALE}/cross_dative/coefs.json",


rule implicit_reward:
    input:
        claims_target("implicit_reward"),


rule coh:
    input:
        claims_target("coh"),


rule context_pref:
    input:
        claims_target("context_pref"),


rule phf:
    input:
        claims_target("phf"),


rule tl_training:
    input:
        claims_target("tl_training"),


rule spar:
    input:
        claims_target("spar"),


rule preflexor:
    input:
        claims_target("preflexor"),


rule neurofeedback:
    input:
        claims_target("neurofeedback"),


rule kappatune:
    input:
        claims_target("kappatune"),


rule chocollama:
    input:
        claims_target("chocollama"),


rule kid:
    input:
        claims_target("kid"),


rule explanation_roles:
    input:
        claims_target("explanation_roles"),


rule prior_influence:
    input:
        claims_target("prior_influence"),


rule pcp:
    input:
        claims_target("pcp"),


rule uncertainty_tuning:
    input:
        claims_target("uncertainty_tuning"),


rule context_awareness:
    input:
        claims_target("context_awareness"),


rule sar:
    input:
        claims_target("sar"),


rule lsk:
    input:
        claims_target("lsk"),


rule lexical_specialization:
    input:
        claims_target("lexical_specialization"),


rule multilingual_cpt:
    input:
        claims_target("multilingual_cpt"),


rule camlang:
    input:
        claims_target("camlang"),


rule speech_cpt:
    input:
        claims_target("speech_cpt"),


rule rth:
    input:
        claims_target("rth"),


rule lid:
    input:
        claims_target("lid"),


rule grif:
    input:
        claims_target("grif"),
