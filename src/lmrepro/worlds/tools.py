"""A tool-use world: functions over a seeded entity table, queries with gold calls, a systematically noisy
teacher, and a call checker (used by: tl_training).

Calls are rendered one way everywhere, `name(key='value', key2='value')` (single quotes, keys in signature
order), and `parse_call` reads exactly that language back (None for anything else).

Structure guaranteed (tested in tests/test_worlds_tools.py):
- `TOOLS`: 12 functions in 6 sibling pairs whose names share a prefix (get_color / get_colour_code, get_home /
  get_home_city, ...), so a tool name spans several word pieces and siblings first differ mid-name. Siblings
  take different parameter names, so calling a sibling with the gold call's arguments always fails.
- `execute(world, call)` returns `(output, error)`. `error` is a structured flag (None on success, else one of
  `ERROR_KINDS`) and the output text of each failure contains that kind's Python/HTTP-style signature
  (`ERROR_SIGNATURES`: "is not defined", "missing 1 required positional argument", "got an unexpected keyword
  argument", "Invalid API call"), so the string filter of the paper and the structured flag agree exactly.
- `sample_queries`: every query names a gold call that executes without error; its tool list (`n_tools`
  tools, gold included, shuffled) contains the gold tool's same-prefix sibling in exactly
  `round(p_sibling * n)` queries.
- `teacher_trajectory`: with exactly `round(p_teacher_error * n)` of n queries (a seeded subset) the teacher's
  first call is wrong in one systematic way (`TEACHER_ERRORS`: the sibling tool, a hallucinated parameter, or a
  dropped required parameter), gets its error back, then makes the gold call; otherwise it makes the gold call
  directly. Every trajectory ends with the gold call's output stated as the answer. With `teacher_bias_tools`
  the errors are systematic instead: a few seeded tools, each always wrong in its own way on `p_bias_error` of
  its queries.
- `call_errors(call, gold, tools)`: the set of error flags of a predicted call against the gold one (the paper's
  reward categories are built from these).
- `render_docs(..., noisy=True)`: the robustness condition: tools listed in shuffled order with their
  docstrings replaced by a neutral one. Names and signatures stay (the spec's "renamed tools" variant would need
  renamed gold calls too; not provided).
- A pure function of (config, seed): the same seed gives byte-identical entities, queries and trajectories.
- Paper scale: no loader yet; tl_training's real trajectories (ToolAlpaca/BFCL/RoTBench formats) need a
  converter into the `teacher_trajectories` schema.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from lmrepro.worlds.lexicon import make_words

COLORS = ("red", "blue", "green", "yellow", "black", "white", "purple", "orange")
PETS = ("cat", "dog", "fish", "bird")
WEATHER = ("sunny", "rainy", "windy", "cloudy", "snowy")


@dataclass(frozen=True)
class Tool:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    doc: str

    @property
    def params(self) -> tuple[str, ...]:
        return self.required + self.optional


TOOLS = (
    Tool("get_color", ("person",), (), "the favourite color of a person"),
    Tool("get_colour_code", ("color",), ("style",), "the code of a color name"),
    Tool("get_home", ("person",), (), "the street a person lives on"),
    Tool("get_home_city", ("resident",), ("country",), "the city a person lives in"),
    Tool("find_friend", ("person",), (), "the best friend of a person"),
    Tool("find_friends_of", ("who",), ("limit",), "all friends of a person"),
    Tool("count_pets", ("owner",), ("kind",), "how many pets a person has"),
    Tool("count_pet_kinds", ("person",), (), "how many kinds of pet a person has"),
    Tool("weather", ("city",), ("day",), "the weather in a city today or on a day"),
    Tool("weather_forecast", ("place", "days"), (), "the weather in a place for the next days"),
    Tool("get_age", ("person",), (), "the age of a person"),
    Tool("get_age_group", ("age",), (), "the age group of an age"),
)
TOOL_BY_NAME = {t.name: t for t in TOOLS}
ERROR_KINDS = ("unknown_tool", "missing_param", "unexpected_param", "bad_value")
ERROR_SIGNATURES = {
    "unknown_tool": "NameError: name '{tool}' is not defined",
    "missing_param": "TypeError: {tool}() missing 1 required positional argument: '{param}'",
    "unexpected_param": "TypeError: {tool}() got an unexpected keyword argument '{param}'",
    "bad_value": "Invalid API call: {tool} has no result for {param}='{value}'",
}
TEACHER_ERRORS = ("sibling_tool", "hallucinated_param", "dropped_param")
CALL_FLAGS = ("unparsable", "unknown_tool", "wrong_tool", "hallucinated", "redundant", "missing", "wrong_value")
# One query template per tool: (text with {x} slots, the gold call's arguments from the same slots).
QUERIES = {
    "get_color": ("what color does {person} like ?", {"person": "{person}"}),
    "get_colour_code": ("what is the code of the color {color} ?", {"color": "{color}"}),
    "get_home": ("which street does {person} live on ?", {"person": "{person}"}),
    "get_home_city": ("which city does {person} live in ?", {"resident": "{person}"}),
    "find_friend": ("who is the best friend of {person} ?", {"person": "{person}"}),
    "find_friends_of": ("list the friends of {person} .", {"who": "{person}"}),
    "count_pets": ("how many {kind} pets does {person} have ?", {"owner": "{person}", "kind": "{kind}"}),
    "count_pet_kinds": ("how many kinds of pet does {person} have ?", {"person": "{person}"}),
    "weather": ("how is the weather in {city} ?", {"city": "{city}"}),
    "weather_forecast": ("what is the weather in {city} for {days} days ?", {"place": "{city}", "days": "{days}"}),
    "get_age": ("how old is {person} ?", {"person": "{person}"}),
    "get_age_group": ("which age group is age {age} ?", {"age": "{age}"}),
}
CALL_RE = re.compile(r"^([a-z_]+)\((.*)\)$")
ARG_RE = re.compile(r"([a-z_]+)='([^']*)'")


def sibling(name: str) -> str:
    """The same-prefix sibling of a tool (TOOLS lists the families as consecutive pairs)."""
    i = [t.name for t in TOOLS].index(name)
    return TOOLS[i ^ 1].name


@dataclass
class ToolWorldConfig:
    n_people: int = 120
    n_cities: int = 10
    n_streets: int = 30
    n_tools: tuple[int, int] = (4, 6)  # tools listed per query (min, max), gold included
    p_sibling: float = 0.10            # share of queries whose tool list includes the gold tool's sibling
    p_teacher_error: float = 0.20      # share of teacher trajectories whose first call is systematically wrong
    teacher_bias_tools: int = 0        # > 0: the teacher errs only on this many seeded tools, each in one fixed way
    p_bias_error: float = 0.8          # ... on this share of those tools' queries (p_teacher_error then unused)

    def check(self, where: str = "tools") -> None:
        lo, hi = self.n_tools
        if not 2 <= lo <= hi <= len(TOOLS):
            raise ValueError(f"{where}.n_tools must satisfy 2 <= min <= max <= {len(TOOLS)}, got {self.n_tools}")
        if not 0 <= self.teacher_bias_tools <= len(TOOLS):
            raise ValueError(f"{where}.teacher_bias_tools must be in [0, {len(TOOLS)}], got {self.teacher_bias_tools}")
        for name in ("p_sibling", "p_teacher_error", "p_bias_error"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{where}.{name} must be in [0, 1], got {getattr(self, name)}")
        if self.n_people < 4 or self.n_cities < 2 or self.n_streets < 2:
            raise ValueError(f"{where}: need n_people >= 4, n_cities >= 2, n_streets >= 2")


@dataclass
class ToolWorld:
    people: dict[str, dict]   # name -> {color, street, city, friends, pets, age}
    cities: dict[str, dict]   # city -> {weather: per day 0..6}
    codes: dict[str, str]     # color -> code

    def vocabulary(self) -> list[str]:
        words = set(self.people) | set(self.cities) | set(self.codes.values()) | set(COLORS) | set(PETS)
        words |= set(WEATHER) | {p["street"] for p in self.people.values()}
        return sorted(words)


def build_world(cfg: ToolWorldConfig, seed: int) -> ToolWorld:
    cfg.check()
    rng = random.Random(f"tools-world-{seed}")
    names = make_words(rng, cfg.n_people, syllables=(2, 3))
    cities = make_words(rng, cfg.n_cities, syllables=(3, 3), exclude=set(names))
    streets = make_words(rng, cfg.n_streets, syllables=(2, 2), exclude=set(names) | set(cities))
    people = {}
    for name in names:
        friends = rng.sample([n for n in names if n != name], 3)
        people[name] = {"color": rng.choice(COLORS), "street": rng.choice(streets), "city": rng.choice(cities),
                        "friends": friends, "pets": {k: rng.randint(0, 3) for k in PETS},
                        "age": rng.randint(5, 89)}
    weather = {c: {"weather": [rng.choice(WEATHER) for _ in range(7)]} for c in cities}
    codes = {c: f"c{i:02d}" for i, c in enumerate(rng.sample(COLORS, len(COLORS)))}
    return ToolWorld(people, weather, codes)


def render_call(name: str, args: dict[str, str]) -> str:
    tool = TOOL_BY_NAME.get(name)
    order = list(tool.params) if tool else []
    keys = sorted(args, key=lambda k: (order.index(k) if k in order else len(order), k))
    return f"{name}(" + ", ".join(f"{k}='{args[k]}'" for k in keys) + ")"


def parse_call(text: str) -> tuple[str, dict[str, str]] | None:
    match = CALL_RE.match(text.strip())
    if not match:
        return None
    name, body = match.groups()
    args = dict(ARG_RE.findall(body))
    if ARG_RE.sub("", body).replace(",", "").strip():  # anything besides key='value' pairs
        return None
    return name, args


def execute(world: ToolWorld, call: str) -> tuple[str, str | None]:
    """Run a rendered call: (output, None) or (error text carrying its signature, error kind)."""
    parsed = parse_call(call)
    if parsed is None or parsed[0] not in TOOL_BY_NAME:
        name = parsed[0] if parsed else call.split("(")[0].strip() or call
        return ERROR_SIGNATURES["unknown_tool"].format(tool=name), "unknown_tool"
    name, args = parsed
    tool = TOOL_BY_NAME[name]
    for key in args:
        if key not in tool.params:
            return ERROR_SIGNATURES["unexpected_param"].format(tool=name, param=key), "unexpected_param"
    for key in tool.required:
        if key not in args:
            return ERROR_SIGNATURES["missing_param"].format(tool=name, param=key), "missing_param"
    try:
        return _result(world, name, args), None
    except (KeyError, ValueError, IndexError):
        key = next(iter(tool.required))
        return ERROR_SIGNATURES["bad_value"].format(tool=name, param=key, value=args[key]), "bad_value"


def _result(world: ToolWorld, name: str, a: dict[str, str]) -> str:
    person = lambda key: world.people[a[key]]  # noqa: E731 - a KeyError is the tool's "no result"
    if name == "get_color":
        return person("person")["color"]
    if name == "get_colour_code":
        return world.codes[a["color"]]
    if name == "get_home":
        return person("person")["street"]
    if name == "get_home_city":
        return person("resident")["city"]
    if name == "find_friend":
        return person("person")["friends"][0]
    if name == "find_friends_of":
        limit = int(a.get("limit", 3))
        return " ".join(person("who")["friends"][:limit])
    if name == "count_pets":
        pets = person("owner")["pets"]
        return str(pets[a["kind"]] if "kind" in a else sum(pets.values()))
    if name == "count_pet_kinds":
        return str(sum(1 for n in person("person")["pets"].values() if n))
    if name == "weather":
        return world.cities[a["city"]]["weather"][int(a.get("day", 0))]
    if name == "weather_forecast":
        days = int(a["days"])
        if not 1 <= days <= 7:
            raise ValueError(days)
        return " ".join(world.cities[a["place"]]["weather"][:days])
    if name == "get_age":
        return str(person("person")["age"])
    if name == "get_age_group":
        age = int(a["age"])
        return "child" if age < 13 else "teen" if age < 20 else "adult" if age < 65 else "senior"
    raise KeyError(name)


def render_docs(tools: list[str], noisy: bool = False, rng: random.Random | None = None) -> str:
    """The system message: one Python-style signature with its docstring per tool."""
    order = list(tools)
    if noisy:
        (rng or random.Random(0)).shuffle(order)
    lines = []
    for name in order:
        tool = TOOL_BY_NAME[name]
        params = ", ".join([*tool.required, *(f"{p}=None" for p in tool.optional)])
        lines.append(f"def {name}({params}): \"{'a tool' if noisy else tool.doc}\"")
    return "\n".join(lines)


def sample_queries(world: ToolWorld, cfg: ToolWorldConfig, n: int, seed: int, *,
                   p_sibling: float | None = None) -> list[dict]:
    """Queries with gold calls and tool lists; `p_sibling` overrides the config (e.g. 0.5 for a test slice).

    Row schema: {"query": str, "tools": [tool names], "gold": rendered call, "gold_tool": str,
                 "sibling_listed": bool, "answer": the gold call's output}
    """
    cfg.check()
    rng = random.Random(f"tools-queries-{seed}")
    share = cfg.p_sibling if p_sibling is None else p_sibling
    with_sibling = set(rng.sample(range(n), round(share * n)))
    people, cities = sorted(world.people), sorted(world.cities)
    rows = []
    for i in range(n):
        gold_tool = TOOLS[rng.randrange(len(TOOLS))].name
        slots = {"person": rng.choice(people), "color": rng.choice(COLORS), "kind": rng.choice(PETS),
                 "city": rng.choice(cities), "days": str(rng.randint(1, 7)), "age": str(rng.randint(5, 89))}
        text, arg_slots = QUERIES[gold_tool]
        args = {k: v.format(**slots) for k, v in arg_slots.items()}
        gold = render_call(gold_tool, args)
        answer, error = execute(world, gold)
        assert error is None, (gold, answer)
        sib = sibling(gold_tool)
        others = [t.name for t in TOOLS if t.name not in (gold_tool, sib)]
        k = rng.randint(*cfg.n_tools)
        listed = [gold_tool] + ([sib] if i in with_sibling else []) + rng.sample(others, k - 1 - (i in with_sibling))
        rng.shuffle(listed)
        rows.append({"query": text.format(**slots), "tools": listed, "gold": gold, "gold_tool": gold_tool,
                     "sibling_listed": i in with_sibling, "answer": answer})
    return rows


def teacher_trajectory(world: ToolWorld, row: dict, error: str | None, rng: random.Random) -> list[dict]:
    """Turns of one teacher episode: [{"role": system|user|assistant|tool, "content": str, "error": kind|None}]."""
    turns = [{"role": "system", "content": render_docs(row["tools"]), "error": None},
             {"role": "user", "content": row["query"], "error": None}]
    if error is not None:
        name, args = parse_call(row["gold"])
        tool = TOOL_BY_NAME[name]
        if error == "sibling_tool":
            wrong = render_call(sibling(name), args)
        elif error == "hallucinated_param":
            fake = rng.choice([p for p in ("name", "id", "query", "target") if p not in tool.params])
            wrong = render_call(name, {**args, fake: next(iter(args.values()))})
        else:
            dropped = rng.choice(tool.required)
            wrong = render_call(name, {k: v for k, v in args.items() if k != dropped})
        output, kind = execute(world, wrong)
        assert kind is not None, wrong
        turns += [{"role": "assistant", "content": wrong, "error": None},
                  {"role": "tool", "content": output, "error": kind}]
    output, kind = execute(world, row["gold"])
    turns += [{"role": "assistant", "content": row["gold"], "error": None},
              {"role": "tool", "content": output, "error": kind},
              {"role": "assistant", "content": f"the answer is {output} .", "error": None}]
    return turns


def teacher_biases(cfg: ToolWorldConfig, seed: int) -> dict[str, str]:
    """The tools a biased teacher gets wrong, each with its one error kind (empty unless teacher_bias_tools > 0)."""
    rng = random.Random(f"tools-teacher-bias-{seed}")
    tools = rng.sample([t.name for t in TOOLS], cfg.teacher_bias_tools)
    return {name: TEACHER_ERRORS[k % len(TEACHER_ERRORS)] for k, name in enumerate(tools)}


def teacher_trajectories(world: ToolWorld, cfg: ToolWorldConfig, rows: list[dict], seed: int) -> list[dict]:
    """The noisy teacher's episodes. Row schema: {"query_index": int, "teacher_error": kind|None, "turns": [...]}

    Default: a seeded `p_teacher_error` share of the queries, each with a random error kind. With
    `teacher_bias_tools` > 0 the errors are systematic: the teacher errs on `p_bias_error` of the queries of a few
    seeded tools, always in that tool's one way (`teacher_biases`), so an imitating student's most likely first
    call for those tools is the wrong one."""
    cfg.check()
    rng = random.Random(f"tools-teacher-{seed}")
    biases = teacher_biases(cfg, seed)
    if biases:
        errors = [biases[r["gold_tool"]] if r["gold_tool"] in biases and rng.random() < cfg.p_bias_error else None
                  for r in rows]
    else:
        wrong = set(rng.sample(range(len(rows)), round(cfg.p_teacher_error * len(rows))))
        errors = [TEACHER_ERRORS[rng.randrange(len(TEACHER_ERRORS))] if i in wrong else None
                  for i in range(len(rows))]
    return [{"query_index": i, "teacher_error": error, "turns": teacher_trajectory(world, row, error, rng)}
            for i, (row, error) in enumerate(zip(rows, errors))]


def call_errors(call: str, gold: str, tools: list[str]) -> set[str]:
    """Error flags of a predicted call against the gold call (empty set: exact match up to argument order)."""
    parsed = parse_call(call)
    if parsed is None:
        return {"unparsable"}
    name, args = parsed
    if name not in tools or name not in TOOL_BY_NAME:
        return {"unknown_tool"}
    gold_name, gold_args = parse_call(gold)
    if name != gold_name:
        return {"wrong_tool"}
    tool = TOOL_BY_NAME[name]
    flags = set()
    if any(k not in tool.params for k in args):
        flags.add("hallucinated")
    if any(k in tool.params and k not in gold_args for k in args):
        flags.add("redundant")
    if any(k not in args for k in gold_args):
        flags.add("missing")
    if not flags and any(args[k] != v for k, v in gold_args.items()):
        flags.add("wrong_value")
    return flags
