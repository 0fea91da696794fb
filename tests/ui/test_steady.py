"""Live labels keep the window's layout still (see mlpviz/ui/widgets/steady.py)."""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

from mlpviz.ui.widgets.steady import ElidedText, set_steady_text


class _LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def test_changing_text_does_not_ask_for_a_layout_until_it_outgrows_the_label(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    layout = QHBoxLayout(host)
    label = QLabel()
    layout.addWidget(label)
    host.show()
    qtbot.waitExposed(host)
    set_steady_text(label, "Train loss 0.123456")
    QApplication.processEvents()
    width = label.width()
    assert label.text() == "Train loss 0.123456"
    assert width >= label.fontMetrics().horizontalAdvance("Train loss 0.123456")

    requests = _LayoutRequests()
    host.installEventFilter(requests)
    for value in ("0.123455", "0.1", "0.99999", "0.000123"):
        set_steady_text(label, f"Train loss {value}")
        QApplication.processEvents()
    assert requests.count == 0
    assert label.text() == "Train loss 0.000123" and label.width() == width

    # Longer text than the label holds: it grows (once), never cut off.
    long = "Train loss 0.123456 (epoch 1,000,000 of 1,000,000)"
    set_steady_text(label, long)
    QApplication.processEvents()
    assert label.width() >= label.fontMetrics().horizontalAdvance(long)
    assert requests.count >= 1
    host.removeEventFilter(requests)


def test_elided_text_never_asks_for_a_layout_and_shows_what_fits(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    layout = QHBoxLayout(host)
    text = ElidedText("what the numbers mean")
    layout.addWidget(text)
    host.resize(600, 40)
    host.show()
    qtbot.waitExposed(host)
    text.setText("0 records")
    QApplication.processEvents()
    requests = _LayoutRequests()
    host.installEventFilter(requests)
    for k in range(50):
        text.setText(f"{k * 1000} records, every {2**k} epochs · {k * 3.5:.1f} MB")
        QApplication.processEvents()
    assert requests.count == 0
    assert not text.elided() and text.toolTip() == "what the numbers mean"
    host.resize(120, 40)
    QApplication.processEvents()
    # Cut short: the tooltip gives the whole text, then what it means.
    assert text.elided()
    assert text.toolTip() == f"{text.text()}\n\nwhat the numbers mean"
    assert text.minimumSizeHint().width() == 0


def test_a_small_window_cuts_neither_the_settings_nor_the_history_slider(qtbot, settings_store):
    from mlpviz.ui.shell.main_window import MainWindow

    w = MainWindow(settings_store=settings_store)
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest is not None)
    QApplication.processEvents()
    panel = w.settings_panel
    assert panel.width() >= panel.widget().minimumSizeHint().width()
    assert w.history_bar.slider.width() >= 90
    w.close()
