"""Training off the GUI thread, with no widgets: the worker and its commands,
snapshots and the view feed, undoable edits, run limits, the loader thread."""
