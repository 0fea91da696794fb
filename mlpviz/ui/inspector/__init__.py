"""The math inspector and the step-through: the tutorial's equations with live numbers."""
