# Writes chat-room.csv, the trace replayed by scenarios/trace-replay.yaml: a chat room's
# messages over 10 minutes, in conversations (5 to 30 messages, 0.5 to 4 s apart) separated
# by pauses of 10 to 40 s; each message's JSON is log-normally sized around 170 bytes.
# Deterministic (fixed seed): `python3 scenarios/traces/make-chat-room.py` rewrites the
# same file.
import os
import random

random.seed(20261123)
t = 0.0
rows = []
while t < 600:
    for _ in range(random.randint(5, 30)):
        t += random.uniform(0.5, 4)
        if t >= 600:
            break
        rows.append((round(t, 3), int(random.lognormvariate(5.0, 0.7)) + 20))
    t += random.uniform(10, 40)
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chat-room.csv")
with open(path, "w") as f:
    f.write("time,size,audience\n")
    for time, size in rows:
        f.write(f"{time},{size},all\n")
