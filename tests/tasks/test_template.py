import pytest

from engine.errors import UserError
from engine.tasks.template import parse_template, render


def test_renders_variables_and_step_outputs():
    text = render("Ad for {product} ({tone}): {steps.copy.output}", {"product": "水杯", "tone": "warm"},
                  {"copy": "好用"})
    assert text == "Ad for 水杯 (warm): 好用"


def test_literal_braces_are_kept():
    assert render("{{json}} {x} }}", {"x": 1}) == "{json} 1 }"


def test_missing_variable_names_it():
    with pytest.raises(UserError, match="missing variable 'audience'"):
        render("for {product} and {audience}", {"product": "mug"})


@pytest.mark.parametrize("template", ["{x.__class__}", "{x[0]}", "{x:>10}", "{x!r}", "{}", "{steps.a}",
                                      "{steps.a.output.x}", "{0}"])
def test_code_like_fields_are_refused(template):
    with pytest.raises(UserError, match="not (allowed|a step reference)"):
        render(template, {"x": "value", "0": "zero"}, {"a": "out"})


@pytest.mark.parametrize("template", ["open {x", "close x}", "{a{b}}"])
def test_unbalanced_braces_are_refused(template):
    with pytest.raises(UserError):
        parse_template(template)


def test_values_are_not_reinterpreted():
    assert render("{a}", {"a": "{b.__class__} {steps.x.output}"}) == "{b.__class__} {steps.x.output}"


def test_parse_lists_fields_in_order():
    assert parse_template("{a} {steps.s1.output} {b} {a}") == [("var", "a"), ("step", "s1"), ("var", "b"),
                                                               ("var", "a")]


def test_missing_step_output_names_the_step():
    with pytest.raises(UserError, match="step 'copy'"):
        render("{steps.copy.output}", {}, {})
