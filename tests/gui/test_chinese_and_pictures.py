"""The Chinese interface names things in words and uses one term per idea (作业 = job, 任务 = task,
引导强度 = guidance); the loss chart shows loss values as they are; pictures decode off the GUI thread."""
from __future__ import annotations

from tests.gui.conftest import wait_ops


def test_chinese_labels_are_words_not_ids(make_window, qtbot):
    window = make_window(lang="zh_CN")
    wait_ops(qtbot)
    assert window.status.jobs_button.text() == "没有运行中的作业"
    assert window.jobs_panel.windowTitle() == "作业"
    assert [window.nav.item(i).text() for i in range(window.nav.count())][0] == "任务"
    image = window.pages["generation"].image
    assert image.scheduler.itemText(0) == "模型默认" and image.scheduler.itemData(0) == "default"
    lines = image.provenance_text({"model": "m", "seed": 1, "prompt": "p",
                                   "params": {"guidance_scale": 7.0, "scheduler": "euler_a", "steps": 4}})
    assert "引导强度 7.0" in lines and "Euler a" in lines
    assert window.pages["review"].step_name("output") == "输出"
    training = window.pages["training"]
    assert training.kind_name("image") == "图像"
    assert training.output_name.placeholderText().startswith("自动")
    from desktop.tabs.dataset_import import ImportDialog
    dialog = ImportDialog(window.engine, window.pages["datasets"])
    assert dialog.target_name("instruction") == "指令" and dialog.target_name("-") == "（不导入）"
    dialog.deleteLater()


def test_loss_axis_shows_the_values_themselves(qtbot):
    from desktop.widgets.loss_chart import LossChart
    chart = LossChart()
    qtbot.addWidget(chart)
    chart.resize(600, 400)
    chart.show()
    for step in range(40):
        chart.add("loss", step, 0.8 - step * 0.01)
        chart.add("learning_rate", step, 2e-4)
    chart.flush()
    qtbot.wait(50)
    for plot in (chart.plot, chart.lr_plot):
        axis = plot.getAxis("left")
        assert axis.autoSIPrefixScale == 1.0 and "x0.001" not in axis.labelString()


def test_pictures_are_decoded_off_the_gui_thread_scaled_and_kept(qtbot, tmp_path):
    from PIL import Image

    from desktop.widgets.thumbnails import Thumbnails
    path = tmp_path / "big.png"
    Image.new("RGB", (2400, 1600), (200, 40, 40)).save(path)
    thumbnails = Thumbnails()
    arrived = []
    thumbnails.ready.connect(arrived.append)
    assert thumbnails.get(str(path), 320) is None            # the paint goes on; the picture comes later
    qtbot.waitUntil(lambda: arrived == [str(path)], timeout=10_000)
    pixmap = thumbnails.get(str(path), 320)
    assert (pixmap.width(), pixmap.height()) == (320, 213)
    small = tmp_path / "small.png"
    Image.new("RGB", (32, 32), (0, 0, 200)).save(small)
    assert thumbnails.get(str(small), 320) is None
    qtbot.waitUntil(lambda: len(arrived) == 2, timeout=10_000)
    assert thumbnails.get(str(small), 320).width() == 320       # a tiny picture still shows at review size
    assert thumbnails.get(str(tmp_path / "missing.png"), 48) is None
    qtbot.waitUntil(lambda: len(arrived) == 3, timeout=10_000)
    assert thumbnails.get(str(tmp_path / "missing.png"), 48).isNull()
