"""Opening and showing data: the dataset dialog, the data view, drawing your own points."""
