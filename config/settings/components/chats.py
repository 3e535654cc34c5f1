"""Settings owned by the 상담 chat part (src/unse/chats/, docs/topics-and-chat.md); star-imported by base.py."""

from config.env import env_int as _chat_env_int

# Token budget of everything the model reads for one answer (system prompt + chart facts + earlier turns
# + the question), estimated conservatively (unse.chats.context.estimate_tokens). Earlier turns get what
# the fixed parts leave; the oldest go first.
CHAT_CONTEXT_TOKEN_BUDGET = _chat_env_int("CHAT_CONTEXT_TOKEN_BUDGET", 4000)
# How many of the latest turns are shown one by one (question + our own short answer note); older turns
# are folded into one summary line.
CHAT_RECENT_TURNS = _chat_env_int("CHAT_RECENT_TURNS", 4)
# How many stored messages are read to build the context (a bound on the one history query).
CHAT_HISTORY_LOAD_MESSAGES = _chat_env_int("CHAT_HISTORY_LOAD_MESSAGES", 40)
# An earlier question is cut to this many characters in the context.
CHAT_EARLIER_QUESTION_CHARS = _chat_env_int("CHAT_EARLIER_QUESTION_CHARS", 300)
CHAT_MESSAGE_MAX_CHARS = _chat_env_int("CHAT_MESSAGE_MAX_CHARS", 1000)
CHAT_ANSWER_MAX_TOKENS = _chat_env_int("CHAT_ANSWER_MAX_TOKENS", 900)
CHAT_MAX_MESSAGES_PER_CHAT = _chat_env_int("CHAT_MAX_MESSAGES_PER_CHAT", 400)
CHAT_LIST_LIMIT = _chat_env_int("CHAT_LIST_LIMIT", 50)
