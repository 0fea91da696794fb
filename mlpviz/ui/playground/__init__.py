"""The optimizer playground window: racers on a 2-D function, its views and worker."""
