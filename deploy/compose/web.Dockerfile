# The edge and the two apps in one nginx image: the apps are built with Node, then served with
# the same nginx templates as the local run (deploy/edge/nginx). Build context: the repository.
#   docker build -f deploy/compose/web.Dockerfile -t paystream/web .
FROM node:20-bookworm-slim AS apps
WORKDIR /build
COPY checkout-ui/package.json checkout-ui/package-lock.json* checkout-ui/
COPY dashboard-ui/package.json dashboard-ui/package-lock.json* dashboard-ui/
RUN cd checkout-ui && npm install --no-audit --no-fund \
    && cd ../dashboard-ui && npm install --no-audit --no-fund
COPY checkout-ui/ checkout-ui/
COPY dashboard-ui/ dashboard-ui/
RUN cd checkout-ui && npm run build && cd ../dashboard-ui && npm run build

# nginx's own image made to run as an unprivileged user (uid 101): every port here is above 1024,
# and the pid file and temporary files are in /tmp (nginx.conf).
FROM nginxinc/nginx-unprivileged:1.27-alpine
# The image's entrypoint fills /etc/nginx/templates/*.template from the environment (only
# variables that are set: nginx's own $variables stay) into /etc/nginx/conf.d/, which uid 101 owns.
USER root
RUN rm -f /etc/nginx/conf.d/default.conf
COPY deploy/compose/nginx.conf /etc/nginx/nginx.conf
COPY deploy/edge/nginx/*.inc /etc/nginx/paystream/
COPY deploy/edge/nginx/http.inc /etc/nginx/conf.d/00-paystream-http.conf
COPY deploy/edge/nginx/edge.conf.template /etc/nginx/templates/10-edge.conf.template
COPY deploy/edge/nginx/apps.conf.template /etc/nginx/templates/20-apps.conf.template
COPY --from=apps /build/checkout-ui/dist/ /usr/share/paystream/checkout/
COPY --from=apps /build/dashboard-ui/dist/ /usr/share/paystream/dashboard/
EXPOSE 8000 3000 3001
USER 101
