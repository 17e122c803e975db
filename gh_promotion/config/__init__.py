"""Configuration: the model (:mod:`.model`) and how it is resolved (:mod:`.loader`)."""

from gh_promotion.config.model import Config, Secret

__all__ = ["Config", "Secret"]
