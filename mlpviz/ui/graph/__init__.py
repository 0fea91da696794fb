"""The network graph: layout and colours from a snapshot, items, navigation, level of
detail for big networks, the step-through overlay, the inline editor and tooltips."""
