{{/*
Names and labels. Every object carries the store labels so the controller can
find what a release owns with one label-selected list across namespaces.
*/}}
{{- define "wc.name" -}}{{ .Release.Name }}{{- end }}

{{- define "wc.selectorLabels" -}}
app.kubernetes.io/name: woocommerce
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "wc.labels" -}}
{{ include "wc.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: storeplane
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
storeplane.io/engine: woocommerce
storeplane.io/store-id: {{ .Values.store.id | quote }}
storeplane.io/store-name: {{ .Values.store.name | quote }}
{{- end }}

{{/*
The Secret the controller created for this store. Rendering without it is an
error: credentials never come from values.
*/}}
{{- define "wc.secret" -}}
{{- required "existingSecret is required: the storeplane controller creates the store-credentials Secret and passes its name; credentials are never read from values" .Values.existingSecret -}}
{{- end }}

{{/* Store fields the site URL and ingress host depend on. */}}
{{- define "wc.storeHost" -}}{{ required "store.host is required (e.g. shop.localhost)" .Values.store.host }}{{- end }}
{{- define "wc.storeUrl" -}}{{ required "store.url is required (e.g. http://shop.localhost)" .Values.store.url }}{{- end }}

{{- define "wc.resources" -}}
{{- $plan := index .root.Values.resources .root.Values.plan | required (printf "no resources for plan %q" .root.Values.plan) -}}
{{- toYaml (index $plan .component) -}}
{{- end }}

{{/* Zero while the store is suspended (templates/paused.yaml serves its URL then). */}}
{{- define "wc.replicas" -}}{{ if .Values.suspended }}0{{ else }}1{{ end }}{{- end }}

{{- define "wc.image" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end }}

{{/* The WordPress (Apache) image: the prebaked one already has WooCommerce and the theme. */}}
{{- define "wc.wordpressImage" -}}
{{- if eq .Values.imageMode "prebaked" -}}{{ include "wc.image" .Values.images.prebaked }}{{- else -}}{{ include "wc.image" .Values.images.wordpress }}{{- end -}}
{{- end }}
{{- define "wc.wordpressPullPolicy" -}}
{{- if eq .Values.imageMode "prebaked" -}}{{ .Values.images.prebaked.pullPolicy }}{{- else -}}{{ .Values.images.wordpress.pullPolicy }}{{- end -}}
{{- end }}

{{/* WordPress reads its database settings from these (wp-config-docker.php); the setup job needs the same. */}}
{{- define "wc.dbEnv" -}}
- name: WORDPRESS_DB_HOST
  value: {{ printf "%s-mariadb:3306" (include "wc.name" .) | quote }}
- name: WORDPRESS_DB_NAME
  value: wordpress
- name: WORDPRESS_DB_USER
  value: wordpress
- name: WORDPRESS_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "wc.secret" . }}
      key: database-password
{{- end }}

{{- define "wc.containerSecurity" -}}
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: [ALL]
{{- end }}

{{/* Pull Secrets for a private registry; the controller copies the Secret into the store namespace. */}}
{{- define "wc.imagePullSecrets" -}}
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
{{- define "wc.healthPath" -}}
{{- required "Chart.yaml needs the storeplane.io/health-path annotation" (index .Chart.Annotations "storeplane.io/health-path") -}}
{{- end }}
