# Production image: frontend built at image build time, frontend and backend on one port.
FROM python:3.11-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends npm unzip \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV PATH=/app/.tools/node_modules/.bin:$PATH \
    REFLEX_USE_NPM=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=0 \
    PYTHONUNBUFFERED=1

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \
 && npm install --prefix .tools --no-audit --no-fund --loglevel=error node@22

COPY . .
# Build the pages once: every container from this image serves them without rebuilding.
RUN python -m gym_live.serve --build-only

# photos/: the mount point of the shared photo volume, owned by the app's own account.
RUN useradd --create-home gym && mkdir -p /app/photos && chown -R gym /app
USER gym
EXPOSE 3000
CMD ["sh", "-c", "python -m gym_live migrate && exec python -m gym_live.serve --host 0.0.0.0 --port 3000"]
