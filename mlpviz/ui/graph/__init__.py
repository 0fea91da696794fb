"""The network graph: a view (navigation, selection, the inline editor) over a scene
(items, layout and colours from a snapshot), with Qt-free level of detail for big
networks, hover and tooltips as a viewport event filter, and the step-through overlay."""
