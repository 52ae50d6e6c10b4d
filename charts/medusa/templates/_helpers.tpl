{{/*
Names and labels. Every object carries the store labels so the controller can
find what a release owns with one label-selected list across namespaces.
*/}}
{{- define "medusa.name" -}}{{ .Release.Name }}{{- end }}

{{- define "medusa.selectorLabels" -}}
app.kubernetes.io/name: medusa
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "medusa.labels" -}}
{{ include "medusa.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: storeplane
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
storeplane.io/engine: medusa
storeplane.io/store-id: {{ .Values.store.id | quote }}
storeplane.io/store-name: {{ .Values.store.name | quote }}
{{- end }}

{{/*
The Secret the controller created for this store. Rendering without it is an
error: credentials never come from values.
*/}}
{{- define "medusa.secret" -}}
{{- required "existingSecret is required: the storeplane controller creates the store-credentials Secret and passes its name; credentials are never read from values" .Values.existingSecret -}}
{{- end }}

{{- define "medusa.storeHost" -}}{{ required "store.host is required (e.g. shop.localhost)" .Values.store.host }}{{- end }}
{{- define "medusa.storeUrl" -}}{{ required "store.url is required (e.g. http://shop.localhost)" .Values.store.url }}{{- end }}

{{- define "medusa.resources" -}}
{{- $plan := index .root.Values.resources .root.Values.plan | required (printf "no resources for plan %q" .root.Values.plan) -}}
{{- toYaml (index $plan .component) -}}
{{- end }}

{{/* Zero while the store is suspended (templates/paused.yaml serves its URL then). */}}
{{- define "medusa.replicas" -}}{{ if .Values.suspended }}0{{ else }}1{{ end }}{{- end }}

{{- define "medusa.image" -}}{{ printf "%s:%s" .repository .tag }}{{- end }}

{{/*
Database connection for the server and the init job. The password comes from
the store Secret and is spliced in by Kubernetes' $(VAR) expansion, so it never
appears in values or in the rendered manifest (the controller generates
URL-safe passwords).
*/}}
{{- define "medusa.dbEnv" -}}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "medusa.secret" . }}
      key: database-password
- name: DATABASE_URL
  value: {{ printf "postgres://medusa:$(DATABASE_PASSWORD)@%s-postgres:5432/medusa?sslmode=disable" (include "medusa.name" .) | quote }}
{{- end }}

{{/* Everything the Medusa app reads from its environment (images/medusa). */}}
{{- define "medusa.appEnv" -}}
{{ include "medusa.dbEnv" . }}
- name: REDIS_URL
  value: {{ printf "redis://%s-redis:6379" (include "medusa.name" .) | quote }}
- name: JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "medusa.secret" . }}
      key: jwt-secret
- name: COOKIE_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "medusa.secret" . }}
      key: cookie-secret
- name: MEDUSA_BACKEND_URL
  value: {{ include "medusa.storeUrl" . | quote }}
- name: STORE_URL
  value: {{ include "medusa.storeUrl" . | quote }}
- name: STORE_CORS
  value: {{ include "medusa.storeUrl" . | quote }}
- name: ADMIN_CORS
  value: {{ include "medusa.storeUrl" . | quote }}
- name: AUTH_CORS
  value: {{ include "medusa.storeUrl" . | quote }}
- name: NODE_ENV
  value: production
- name: PORT
  value: "9000"
{{- end }}

{{- define "medusa.containerSecurity" -}}
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: [ALL]
{{- end }}

{{- define "medusa.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Pull Secrets for a private registry; the controller copies the Secret into the store namespace. */}}
{{- define "medusa.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
The engine's health path, written once in Chart.yaml (storeplane.io/health-path):
the probes ask it, and the controller's rollout gate asks it through the API
server's service proxy.
*/}}
{{- define "medusa.healthPath" -}}
{{- required "Chart.yaml needs the storeplane.io/health-path annotation" (index .Chart.Annotations "storeplane.io/health-path") -}}
{{- end }}
