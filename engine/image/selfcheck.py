"""``aigc selftest`` check for images: a few-step generation with the shipped starter pipeline."""
from __future__ import annotations

from engine.errors import UserError
from engine.selftest import check
from engine.i18n import tr


@check("image")
def _image(engine) -> dict:
    import tempfile

    from engine.image import provenance, starter
    folder = starter.pipeline_dir()
    if not (folder / "model_index.json").is_file():
        raise UserError(f"the starter image model is missing from {folder}",
                        hint="rebuild the starter image model")
    with tempfile.TemporaryDirectory(prefix="aigc-image-check-") as out:
        made = engine.image.generator(str(folder)).generate(
            "product poster, a red bottle on a blue background", {"steps": 3, "seed": 1}, out_dir=out)
        again = engine.image.generator(str(folder)).generate(
            "product poster, a red bottle on a blue background", {"steps": 3, "seed": 1}, out_dir=out)
        stored = provenance.read_provenance(made[0]["path"])
        if not stored or stored.get("seed") != 1:
            raise UserError("the generated PNG carries no provenance")
        with open(made[0]["path"], "rb") as a, open(again[0]["path"], "rb") as b:
            from PIL import Image
            same = list(Image.open(a).getdata()) == list(Image.open(b).getdata())
        if not same:
            raise UserError("the same seed did not reproduce the same image")
    engine.image.unload()
    return {"model": stored["model"], "seed": stored["seed"], "size": stored["params"]["width"]}
