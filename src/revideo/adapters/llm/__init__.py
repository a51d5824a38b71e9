"""Script writing with a language model over any OpenAI-compatible chat-completions API."""

from revideo.adapters.llm.openai_compat import OpenAIScriptWriter, chat_url

__all__ = ["OpenAIScriptWriter", "chat_url"]
