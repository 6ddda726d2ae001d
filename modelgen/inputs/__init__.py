"""Inputs: the CSV folder (and the presentation template) read and validated into one typed
`Inputs` (`folder.load_inputs`); a problem names its file, line and column.

The first layer: it imports nothing else of modelgen. Data flows one way from here,
inputs → formulas → model → xlsx.
"""
