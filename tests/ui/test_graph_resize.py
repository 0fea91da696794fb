"""+/− on the graph: the network changes at once, keeps its weights, undoes; the panel follows."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt

from mlpviz.engine import MLP
from mlpviz.ui.graph.layer_controls import Change


def latest(window):
    return window.session.latest


def controls(window):
    return window.graph.scene().layer_controls


def click(window, qtbot, kind, delta, layer=0):
    """A real left click on the button's centre, through the view."""
    button = controls(window).button(kind, delta, layer)
    view = window.graph
    centre = button.deviceTransform(view.viewportTransform()).map(button.centre())
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(*map(round, (centre.x(), centre.y()))),
    )


def wait_sizes(window, qtbot, sizes):
    qtbot.waitUntil(
        lambda: latest(window).layer_sizes == sizes and window.graph.layer_sizes == sizes
    )


def panel_network(window):
    """The network the settings panel describes, as its Rebuild would build it."""
    return window.settings_panel.network_spec().build(2, 1)


def test_plus_on_a_hidden_header_adds_a_neuron_keeping_every_weight(window, qtbot):
    old = MLP.tutorial()
    click(window, qtbot, "neuron", +1, 1)
    wait_sizes(window, qtbot, (2, 4, 1))
    # The panel follows, and nothing waits for a Rebuild.
    assert window.settings_panel.network_spec().hidden == (4,)
    assert not window.settings_panel.pending()
    expected = panel_network(window)
    expected.weights[0][:3] = old.weights[0]
    expected.biases[0][:3] = old.biases[0]
    expected.weights[1][:, :3] = old.weights[1]
    expected.biases[1][:] = old.biases[1]
    np.testing.assert_array_equal(latest(window).params, expected.params)
    # The graph is the new network's, its buttons too.
    assert len(window.graph.node_items) == 7
    assert window.undo.undoText() == "Add a neuron to hidden layer 1"

    window.undo.undo()
    wait_sizes(window, qtbot, (2, 3, 1))
    np.testing.assert_array_equal(latest(window).params, old.params)
    assert window.settings_panel.network_spec().hidden == (3,)
    window.undo.redo()
    wait_sizes(window, qtbot, (2, 4, 1))
    np.testing.assert_array_equal(latest(window).params, expected.params)


def test_layers_and_neurons_on_a_trained_network_match_the_panel_with_kept_weights(window, qtbot):
    window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch == 1)
    trained = latest(window).params.copy()
    old = MLP((2, 3, 1))
    old.set_params(trained)

    click(window, qtbot, "layer", +1)
    wait_sizes(window, qtbot, (2, 3, 3, 1))
    assert window.settings_panel.network_spec().hidden == (3, 3)
    after_layer = latest(window).params.copy()
    expected = panel_network(window)
    expected.weights[0][...] = old.weights[0]
    expected.biases[0][...] = old.biases[0]
    expected.biases[2][...] = old.biases[1]  # the output's bias keeps its place
    np.testing.assert_array_equal(after_layer, expected.params)

    click(window, qtbot, "neuron", -1, 1)
    wait_sizes(window, qtbot, (2, 2, 3, 1))
    grown = MLP((2, 3, 3, 1))
    grown.set_params(after_layer)
    expected = panel_network(window)
    expected.weights[0][...] = grown.weights[0][:2]
    expected.biases[0][...] = grown.biases[0][:2]
    expected.weights[1][...] = grown.weights[1][:, :2]
    expected.biases[1][...] = grown.biases[1]
    expected.weights[2][...] = grown.weights[2]
    expected.biases[2][...] = grown.biases[2]
    np.testing.assert_array_equal(latest(window).params, expected.params)

    # Two undos: back through the layer to the trained 2-3-1, weights and all.
    window.undo.undo()
    wait_sizes(window, qtbot, (2, 3, 3, 1))
    np.testing.assert_array_equal(latest(window).params, after_layer)
    window.undo.undo()
    wait_sizes(window, qtbot, (2, 3, 1))
    np.testing.assert_array_equal(latest(window).params, trained)
    assert window.settings_panel.network_spec().hidden == (3,)


def test_buttons_at_the_limits_are_disabled_and_say_why(window, qtbot):
    click(window, qtbot, "layer", -1)
    wait_sizes(window, qtbot, (2, 1))
    assert window.settings_panel.network_spec().hidden == ()
    minus = controls(window).button("layer", -1)
    assert not minus.isEnabled()
    assert "no hidden layer" in minus.toolTip()
    with np.testing.assert_raises(KeyError):
        controls(window).button("neuron", +1, 1)
    # Clicking a disabled button changes nothing.
    click(window, qtbot, "layer", -1)
    qtbot.wait(50)
    assert latest(window).layer_sizes == (2, 1)
    assert window.undo.count() == 1

    click(window, qtbot, "layer", +1)
    wait_sizes(window, qtbot, (2, 3, 1))
    one = controls(window).button("neuron", -1, 1)
    assert one.isEnabled()
    for _ in range(2):
        n = latest(window).layer_sizes[1]
        controls(window).requested.emit(Change("neuron", -1, 1))
        wait_sizes(window, qtbot, (2, n - 1, 1))
    assert not controls(window).button("neuron", -1, 1).isEnabled()
    assert "at least one" in controls(window).button("neuron", -1, 1).toolTip()
