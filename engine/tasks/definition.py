"""Task definitions: typed dataclasses, validated once when read, saved as JSON.

A task is what a department needs done: a prompt template with named variables,
output constraints, a default model/adapter with generation parameters, the
dataset it learns from and, for a composite task, its ordered steps. A task
with no steps has one implicit step named ``output`` built from its own fields.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields

from engine.errors import UserError
from engine.tasks.classify import ClassifySpec, check_task, classify_from_dict
from engine.tasks.monitor import RunAlerts, alerts_from_dict
from engine.tasks.template import parse_template
from engine.i18n import tr

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MODALITIES = ("text", "image")
LANGUAGES = ("zh", "en", "ja", "ko", "ru")
EVAL_METRICS = ("bleu", "rouge_l", "distinct_1", "distinct_2", "pass_rate", "avg_chars")


@dataclass
class Constraints:
    min_chars: int | None = None
    max_chars: int | None = None
    min_words: int | None = None
    max_words: int | None = None
    required_terms: list[str] = field(default_factory=list)
    banned_terms: list[str] = field(default_factory=list)
    regex: str | None = None
    language: str | None = None

    def is_empty(self) -> bool:
        return self == Constraints()


@dataclass
class Generation:
    max_new_tokens: int = 64
    temperature: float = 0.8
    top_p: float = 0.95
    seed: int = 0
    top_k: int | None = None
    repetition_penalty: float | None = None
    num_inference_steps: int | None = None
    width: int | None = None
    height: int | None = None
    guidance_scale: float | None = None
    negative_prompt: str | None = None


@dataclass
class Step:
    name: str
    modality: str = "text"
    model: str | None = None        # None: a pure template step, its output is the rendered template
    adapter: str | None = None
    template: str = ""
    system_prompt: str | None = None
    params: dict = field(default_factory=dict)
    constraints: Constraints | None = None  # None: the task's constraints if this is the checked step
    dataset: str | None = None      # where approved outputs of this step flow back to


@dataclass
class TaskDef:
    name: str
    title: str = ""
    title_zh: str = ""
    department: str = ""
    modality: str = "text"
    system_prompt: str = ""
    template: str = ""
    constraints: Constraints = field(default_factory=Constraints)
    dataset: str | None = None
    model: str | None = None
    adapter: str | None = None
    generation: Generation = field(default_factory=Generation)
    inputs: str | None = None
    steps: list[Step] = field(default_factory=list)
    evaluation: list[str] = field(default_factory=lambda: list(EVAL_METRICS))
    max_retries: int = 2
    classify: ClassifySpec | None = None   # a label set: the task answers with labels, scored not generated
    alerts: RunAlerts = field(default_factory=RunAlerts)
    examples: dict[str, str] = field(default_factory=dict)   # an example value per template variable

    # -- derived -------------------------------------------------------------
    def effective_steps(self) -> list[Step]:
        """The steps a run executes: the declared ones, or one step built from the task itself."""
        if self.steps:
            return self.steps
        return [Step(name="output", modality=self.modality, model=self.model, adapter=self.adapter,
                     template=self.template, system_prompt=None, params={}, constraints=None, dataset=None)]

    def checked_step(self) -> str | None:
        """The step the task-level constraints and dataset belong to: the only step, or the first text step."""
        steps = self.effective_steps()
        if len(steps) == 1:
            return steps[0].name
        for step in steps:
            if step.modality == "text":
                return step.name
        return None

    def step_constraints(self, step: Step) -> Constraints:
        if step.constraints is not None:
            return step.constraints
        return self.constraints if step.name == self.checked_step() else Constraints()

    def dataset_step(self) -> str | None:
        """The step the task's dataset belongs to: the only step, or the last one of the task's modality."""
        steps = self.effective_steps()
        if len(steps) == 1:
            return steps[0].name
        matching = [s.name for s in steps if s.modality == self.modality and s.model]
        return matching[-1] if matching else None

    def step_dataset(self, step: Step) -> str | None:
        """Where approved outputs of a step flow back to.

        The step's own dataset; else the task's for its dataset step; else, for another
        model-served step of a composite task, ``TASK-STEP`` (created on first feedback).
        A template step teaches nothing and has none.
        """
        if step.dataset:
            return step.dataset
        if step.model is None and self.steps:
            return None
        if step.name == self.dataset_step():
            return self.dataset
        return f"{self.name}-{step.name}"

    def step_system(self, step: Step) -> str:
        return step.system_prompt if step.system_prompt is not None else self.system_prompt

    def step_params(self, step: Step) -> dict:
        """Generation parameters for a step: the task's, overridden by the step's own."""
        params = {k: v for k, v in asdict(self.generation).items() if v is not None}
        params.update({k: v for k, v in step.params.items() if v is not None})
        return params

    def input_variables(self) -> list[str]:
        """Variables the input rows must provide (the ``{var}`` names of every step's template)."""
        names: list[str] = []
        for step in self.effective_steps():
            for kind, name in parse_template(step.template, where=f"task {self.name} step {step.name}"):
                if kind == "var" and name not in names:
                    names.append(name)
        return names

    def to_dict(self) -> dict:
        return asdict(self)


# -- reading -------------------------------------------------------------------
def _check_keys(data: dict, cls, where: str) -> None:
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UserError(tr("{where}: unknown field '{unknown}'", where=where, unknown=unknown[0]), hint=tr("allowed: {items}", items=", ".join(sorted(known))))


def _int_or_none(value, where: str):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UserError(tr("{where} must be a whole number >= 0, got {value!r}", where=where, value=value))
    return value


def _terms(value, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UserError(tr("{where} must be a list of non-empty strings", where=where))
    return [v.strip() for v in value]


def constraints_from_dict(data, where: str) -> Constraints:
    if data is None:
        return Constraints()
    if not isinstance(data, dict):
        raise UserError(tr("{where} must be an object", where=where))
    _check_keys(data, Constraints, where)
    c = Constraints(
        min_chars=_int_or_none(data.get("min_chars"), f"{where}.min_chars"),
        max_chars=_int_or_none(data.get("max_chars"), f"{where}.max_chars"),
        min_words=_int_or_none(data.get("min_words"), f"{where}.min_words"),
        max_words=_int_or_none(data.get("max_words"), f"{where}.max_words"),
        required_terms=_terms(data.get("required_terms"), f"{where}.required_terms"),
        banned_terms=_terms(data.get("banned_terms"), f"{where}.banned_terms"),
        regex=data.get("regex") or None,
        language=data.get("language") or None,
    )
    for low, high in (("min_chars", "max_chars"), ("min_words", "max_words")):
        lo, hi = getattr(c, low), getattr(c, high)
        if lo is not None and hi is not None and lo > hi:
            raise UserError(tr("{where}: {low} ({lo}) is larger than {high} ({hi})", where=where, low=low, lo=lo, high=high, hi=hi))
    if c.regex is not None:
        try:
            re.compile(c.regex)
        except re.error as exc:
            raise UserError(tr("{where}.regex is not a valid regular expression: {exc}", where=where, exc=exc)) from None
    if c.language is not None and c.language not in LANGUAGES:
        raise UserError(tr("{where}.language '{language}' is not supported", where=where, language=c.language), hint=tr("use one of {items}", items=", ".join(LANGUAGES)))
    return c


def generation_from_dict(data, where: str) -> Generation:
    if data is None:
        return Generation()
    if not isinstance(data, dict):
        raise UserError(tr("{where} must be an object", where=where))
    _check_keys(data, Generation, where)
    gen = Generation(**data)
    if not isinstance(gen.max_new_tokens, int) or gen.max_new_tokens < 1:
        raise UserError(tr("{where}.max_new_tokens must be a whole number >= 1", where=where))
    if not isinstance(gen.seed, int):
        raise UserError(tr("{where}.seed must be a whole number", where=where))
    for key in ("temperature", "top_p"):
        value = getattr(gen, key)
        if not isinstance(value, (int, float)) or value < 0:
            raise UserError(tr("{where}.{key} must be a number >= 0", where=where, key=key))
    return gen


def _modality(value, where: str) -> str:
    value = value or "text"
    if value not in MODALITIES:
        raise UserError(tr("{where}.modality must be 'text' or 'image', got {value!r}", where=where, value=value))
    return value


def task_from_dict(data, where: str = "task") -> TaskDef:
    """Validate a plain dict (from JSON) into a TaskDef; every problem names its field."""
    if not isinstance(data, dict):
        raise UserError(tr("{where} must be a JSON object", where=where))
    name = data.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise UserError(tr("{where}.name {name!r} is not a valid task name", where=where, name=name),
                        hint=tr("use letters, digits, '-', '_' or '.', up to 64 characters"))
    where = f"task {name}"
    _check_keys(data, TaskDef, where)
    steps = []
    for index, raw in enumerate(data.get("steps") or []):
        swhere = f"{where} steps[{index}]"
        if not isinstance(raw, dict):
            raise UserError(tr("{swhere} must be an object", swhere=swhere))
        _check_keys(raw, Step, swhere)
        sname = raw.get("name")
        if not isinstance(sname, str) or not NAME_RE.match(sname):
            raise UserError(tr("{swhere}.name {sname!r} is not a valid step name", swhere=swhere, sname=sname))
        if any(s.name == sname for s in steps):
            raise UserError(tr("{swhere}: step name '{sname}' is used twice", swhere=swhere, sname=sname))
        params = raw.get("params") or {}
        if not isinstance(params, dict):
            raise UserError(tr("{swhere}.params must be an object", swhere=swhere))
        steps.append(Step(
            name=sname, modality=_modality(raw.get("modality"), swhere), model=raw.get("model") or None,
            adapter=raw.get("adapter") or None, template=str(raw.get("template") or ""),
            system_prompt=raw.get("system_prompt"), params=params,
            constraints=None if raw.get("constraints") is None else constraints_from_dict(
                raw["constraints"], f"{swhere}.constraints"),
            dataset=raw.get("dataset") or None))
    evaluation = data.get("evaluation") or list(EVAL_METRICS)
    bad = [m for m in evaluation if m not in EVAL_METRICS]
    if bad:
        raise UserError(tr("{where}.evaluation: unknown metric '{bad}'", where=where, bad=bad[0]), hint=tr("use {items}", items=", ".join(EVAL_METRICS)))
    retries = data.get("max_retries", 2)
    if not isinstance(retries, int) or not 0 <= retries <= 10:
        raise UserError(tr("{where}.max_retries must be a whole number from 0 to 10", where=where))
    examples = data.get("examples") or {}
    if not isinstance(examples, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                 for k, v in examples.items()):
        raise UserError(tr("{where}.examples must map each variable name to an example text", where=where))
    task = TaskDef(
        name=name, title=str(data.get("title") or ""), title_zh=str(data.get("title_zh") or ""),
        department=str(data.get("department") or ""), modality=_modality(data.get("modality"), where),
        system_prompt=str(data.get("system_prompt") or ""), template=str(data.get("template") or ""),
        constraints=constraints_from_dict(data.get("constraints"), f"{where}.constraints"),
        dataset=data.get("dataset") or None, model=data.get("model") or None, adapter=data.get("adapter") or None,
        generation=generation_from_dict(data.get("generation"), f"{where}.generation"),
        inputs=data.get("inputs") or None, steps=steps, evaluation=list(evaluation), max_retries=retries,
        examples=dict(examples),
        classify=classify_from_dict(data.get("classify"), f"{where}.classify"),
        alerts=alerts_from_dict(data.get("alerts"), f"{where}.alerts"))
    check_task(task)
    validate_steps(task)
    return task


def validate_steps(task: TaskDef) -> None:
    """Templates parse, and each ``{steps.NAME.output}`` names an earlier step."""
    steps = task.effective_steps()
    seen: list[str] = []
    for step in steps:
        where = f"task {task.name} step {step.name}"
        if not step.template.strip():
            raise UserError(tr("{where}: the template is empty", where=where),
                            hint=tr("give it a template with variables such as {{product}}"))
        for kind, ref in parse_template(step.template, where=where):
            if kind != "step":
                continue
            if ref == step.name:
                raise UserError(tr("{where}: the template refers to its own output {{steps.{ref}.output}}", where=where, ref=ref))
            if ref not in seen:
                later = any(s.name == ref for s in steps)
                raise UserError(tr("{where}: {{steps.{ref}.output}} refers to a step that comes later", where=where,
                                   ref=ref) if later else
                                tr("{where}: {{steps.{ref}.output}} refers to a step that does not exist", where=where,
                                   ref=ref),
                                hint=tr("earlier steps: {items}", items=", ".join(seen) or tr("none")))
        seen.append(step.name)
