"""How mlpviz looks and writes numbers: theme colours, plot styling, number formats."""
