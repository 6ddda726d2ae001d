"""Formulas: the expression layer. A line item's formula is one tree of expressions that
renders its Excel text for every period column and evaluates its numbers with numpy, so the
text and the cached value cannot drift apart; rows and sheets hold the trees in order.

Imports only `modelgen.inputs`; the model is built from these pieces.
"""
