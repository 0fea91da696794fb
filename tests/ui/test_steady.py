"""Live labels keep the window's layout still (see mlpviz/ui/steady.py)."""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

from mlpviz.ui.steady import set_steady_text


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
