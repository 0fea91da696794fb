"""The two tutorials mlpviz teaches, by the titles they carry.

Every lesson, message and note names a tutorial by one of these titles, so
the reader can find the text it follows; docs/tutorial-notes.md says what
each contains and where its printed numbers are wrong.
"""

DERIVATIVES = "Understanding Derivatives and Gradient Descent in Machine Learning"
"""The tutorial on the derivative as a slope, y = w·x and gradient descent."""

TRIAL_AND_ERROR = "Why Use Gradients Instead of Simple Trial and Error?"
"""The section of :data:`DERIVATIVES` that weighs trial and error against gradients."""

MLP_MATH = "The Math Behind Training MLP Neural Networks"
"""The tutorial on the 2-3-1 network: normalization, forward pass, δ, the updates."""

__all__ = ["DERIVATIVES", "MLP_MATH", "TRIAL_AND_ERROR"]
