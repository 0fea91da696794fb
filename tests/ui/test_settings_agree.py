"""Settings that never contradict each other (mlpviz/ui/shell/settings_panel.py,
settings_rules.py, panel_sync.py): the issue's stories, each doing the right thing."""

from __future__ import annotations

import pytest

from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.engine.spec_rules import default_init, tutorial_refusal
from mlpviz.ui.shell.settings_panel import SettingsPanel
from mlpviz.ui.shell.settings_rules import network_refusal, structure


def latest(window):
    return window.session.latest


def set_hidden(panel: SettingsPanel, layers: list[tuple[int, str]]) -> None:
    """As a user would: remove the rows, add new ones, set their fields."""
    for row in list(panel._rows):
        panel._remove_layer(row)
    for n, act in layers:
        panel._add_button.click()
        row = panel._rows[-1]
        row.neurons.setValue(n)
        row.activation.setCurrentText(act)


def loss_item_enabled(panel: SettingsPanel, name: str) -> bool:
    i = panel.loss.findText(name)
    return panel.loss.model().item(i).isEnabled()


# -- the rules, without a window ---------------------------------------------------


def test_rules_name_what_cannot_be_built():
    assert tutorial_refusal((2, 3, 1)) is None
    assert "2-3-1" in tutorial_refusal((2, 8, 8, 1)) and "2-8-8-1" in tutorial_refusal((2, 8, 8, 1))
    bad = NetworkSpec(hidden=(8, 8), hidden_activations=("tanh",), init="tutorial")
    assert "Initial weights" in network_refusal(bad, 2, 1)
    assert network_refusal(bad, None, None) is None  # no data yet: shape unknown
    mse_softmax = NetworkSpec(output_activation="softmax", loss="mse", init="xavier")
    assert network_refusal(mse_softmax, 2, 3).startswith("Loss:")
    assert default_init(("relu", "leaky-relu")) == "he"
    assert default_init(("tanh",)) == "xavier"
    # A loss left unset is the one the output implies.
    assert structure(NetworkSpec(output_activation="softmax")) == structure(
        NetworkSpec(output_activation="softmax", loss="cross-entropy")
    )


# -- the panel alone ------------------------------------------------------------------


def test_softmax_selects_cross_entropy_and_disables_mse(qtbot):
    panel = SettingsPanel()
    qtbot.addWidget(panel)
    panel.set_data_shape(2, 3)
    panel.loss.setCurrentText("mse")
    panel.output_activation.setCurrentText("softmax")
    assert panel.loss.currentText() == "cross-entropy"
    assert not loss_item_enabled(panel, "mse")
    tip = panel.loss.model().item(panel.loss.findText("mse")).toolTip()
    assert "softmax" in tip and "cross-entropy" in tip
    assert panel.refusal() is None and panel.rebuild_button.isEnabled()
    # A linear output cannot take cross-entropy: mse is chosen, cross-entropy disabled.
    panel.output_activation.setCurrentText("linear")
    assert panel.loss.currentText() == "mse"
    assert not loss_item_enabled(panel, "cross-entropy")
    assert loss_item_enabled(panel, "mse")


def test_tutorial_weights_only_offered_for_2_3_1_and_the_fallback_is_said(qtbot):
    panel = SettingsPanel()
    qtbot.addWidget(panel)
    panel.set_values(NetworkSpec(), TrainingSettings())
    panel.set_data_shape(2, 1)
    assert panel.init.currentText() == "tutorial"
    assert panel.init.model().item(0).isEnabled()
    set_hidden(panel, [(8, "tanh"), (8, "tanh")])
    assert panel.init.currentText() == "xavier"
    assert not panel.init.model().item(0).isEnabled()
    assert "2-8-8-1" in panel.init.model().item(0).toolTip()
    assert "not 2-8-8-1; xavier is used instead" in panel.network_note.text()
    assert panel.refusal() is None and panel.rebuild_button.isEnabled()
    # Back to 2-3-1: offered again; the user's choice of "he" clears the note.
    set_hidden(panel, [(3, "relu")])
    assert panel.init.model().item(0).isEnabled()
    panel.init.setCurrentText("he")
    assert panel.network_note.text() == ""


def test_a_refused_network_keeps_its_reason_until_fixed(qtbot):
    panel = SettingsPanel()
    qtbot.addWidget(panel)
    panel.set_data_shape(2, 1)
    # Loaded values are shown as they are (they may precede their data).
    panel.set_values(NetworkSpec(hidden=(8,), init="tutorial"), TrainingSettings())
    assert "tutorial" in panel.refusal()
    assert not panel.rebuild_button.isEnabled()
    assert "Cannot rebuild" in panel.rebuild_button.toolTip()
    assert "Cannot build this network" in panel.network_note.text()
    panel.learning_rate.setValue(0.5)  # a training setting: the reason stays
    assert "Cannot build this network" in panel.network_note.text()
    # Any edit of the network: the panel makes the dependent choice itself, and says so.
    panel.seed.setValue(5)
    assert panel.init.currentText() == "xavier"
    assert panel.refusal() is None
    assert "Cannot build" not in panel.network_note.text()
    assert "xavier is used instead" in panel.network_note.text()
    assert panel.rebuild_button.isEnabled()


# -- the stories in the window ---------------------------------------------------


def test_spiral_8_8_tanh_rebuild_works(window, qtbot):
    window.data_files.open_example("spiral")
    qtbot.waitUntil(lambda: latest(window).n_rows == 200)
    panel = window.settings_panel
    set_hidden(panel, [(8, "tanh"), (8, "tanh")])
    assert panel.pending()
    assert "Training: 2-3-1, sigmoid hidden, sigmoid output, mse loss" in panel.network_note.text()
    panel.rebuild_button.click()
    qtbot.waitUntil(lambda: latest(window).layer_sizes == (2, 8, 8, 1))
    assert latest(window).activation_names == ("tanh", "tanh", "sigmoid")
    assert not window.banner.isVisible()
    qtbot.waitUntil(lambda: not panel.pending())
    assert "Training:" not in panel.network_note.text()


def test_run_trains_the_network_the_panel_shows(window, qtbot):
    window.data_files.open_example("spiral")
    qtbot.waitUntil(lambda: latest(window).n_rows == 200)
    panel = window.settings_panel
    set_hidden(panel, [(8, "tanh"), (8, "tanh")])
    window.controls.run_n.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch > 0 and not window.session.running)
    snap = latest(window)
    assert snap.layer_sizes == (2, 8, 8, 1)
    assert snap.activation_names[:2] == ("tanh", "tanh")
    assert structure(window.session.spec) == structure(panel.network_spec())


def test_run_after_a_refused_rebuild_trains_nothing_else(window, qtbot):
    panel = window.settings_panel
    # As a saved file or a lesson could leave it: a network that cannot be built.
    panel.set_values(NetworkSpec(hidden=(8, 8), hidden_activations=("tanh",)), TrainingSettings())
    assert panel.refusal() is not None
    panel.rebuild_button.click()  # disabled: nothing happens
    panel.networkChanged.emit(panel.network_spec())  # even if sent: refused, said
    assert window.banner.isVisible()
    epoch = latest(window).epoch
    window.controls.run.trigger()
    assert not window.session.running and not window.controls.run.isChecked()
    assert "cannot be built" in window.banner.text.text()
    window.controls.step_epoch.trigger()
    window.session.request_predictions()  # a round trip through the worker's queue
    with qtbot.waitSignal(window.session.predictionsReady, timeout=5000):
        pass
    assert latest(window).epoch == epoch
    assert latest(window).layer_sizes == (2, 3, 1)  # the panel's reason is still shown
    assert "Cannot build this network" in panel.network_note.text()


@pytest.mark.parametrize("output", ["softmax"])
def test_output_softmax_with_loss_mse_becomes_cross_entropy(window, qtbot, output):
    panel = window.settings_panel
    panel.loss.setCurrentText("mse")
    panel.output_activation.setCurrentText(output)
    assert panel.loss.currentText() == "cross-entropy"
    panel.init.setCurrentText("xavier")
    panel.rebuild_button.click()
    qtbot.waitUntil(lambda: latest(window).loss_name == "cross-entropy")
    assert not window.banner.isVisible()
    assert window.loss_plot.loss_name == "cross-entropy loss"
