{{- define "sp.name" -}}{{ .Release.Name | trunc 40 | trimSuffix "-" }}{{- end }}

{{- define "sp.selectorLabels" -}}
app.kubernetes.io/name: storeplane
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "sp.labels" -}}
{{ include "sp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: storeplane
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "sp.image" -}}{{ printf "%s:%s" .repository .tag }}{{- end }}

{{/* Where DATABASE_URL comes from: the generated Secret (bundled) or yours (external). */}}
{{- define "sp.databaseSecretName" -}}
{{- if eq .Values.database.mode "external" -}}
{{- required "database.external.existingSecret is required when database.mode=external (a Secret holding DATABASE_URL)" .Values.database.external.existingSecret -}}
{{- else -}}
{{- printf "%s-database" (include "sp.name" .) -}}
{{- end -}}
{{- end }}
{{- define "sp.databaseSecretKey" -}}
{{- if eq .Values.database.mode "external" -}}{{ .Values.database.external.key }}{{- else -}}DATABASE_URL{{- end -}}
{{- end }}

{{- define "sp.databaseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "sp.databaseSecretName" . }}
      key: {{ include "sp.databaseSecretKey" . }}
{{- end }}

{{- define "sp.containerSecurity" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end }}

{{- define "sp.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "sp.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Bounded wait for the database, shared by the migration hook. */}}
{{- define "sp.waitForDatabase" -}}
- name: wait-for-database
  image: {{ include "sp.image" .Values.images.postgres | quote }}
  imagePullPolicy: {{ .Values.images.postgres.pullPolicy }}
  command:
    - sh
    - -c
    - |
      for i in $(seq 1 120); do
        pg_isready -q -d "$DATABASE_URL" && exit 0
        echo "waiting for the database ($i/120)"; sleep 5
      done
      echo "the database did not become ready within 10 minutes" >&2
      exit 1
  env:
    {{- include "sp.databaseEnv" . | nindent 4 }}
  securityContext:
    {{- include "sp.containerSecurity" . | nindent 4 }}
  resources:
    requests: { cpu: 10m, memory: 32Mi }
    limits: { cpu: 100m, memory: 64Mi }
{{- end }}

{{/*
The backup settings the controller passes to each store's backup Jobs
(docs/backups.md). The access key is read from the credentials Secret by
reference; its value never appears in values or the rendered manifest.
*/}}
{{- define "sp.backupEnv" -}}
{{- if .Values.backups.enabled }}
{{- $os := .Values.backups.objectStore }}
- name: BACKUPS_ENABLED
  value: "true"
- name: BACKUP_IMAGE
  value: {{ printf "%s:%s" .Values.backups.image.repository .Values.backups.image.tag | quote }}
- name: BACKUP_S3_ENDPOINT
  value: {{ required "backups.objectStore.endpoint is required when backups.enabled (an http(s) URL)" $os.endpoint | quote }}
- name: BACKUP_S3_REGION
  value: {{ $os.region | quote }}
- name: BACKUP_S3_BUCKET
  value: {{ required "backups.objectStore.bucket is required when backups.enabled" $os.bucket | quote }}
- name: BACKUP_S3_PREFIX
  value: {{ $os.prefix | quote }}
- name: BACKUP_S3_FORCE_PATH_STYLE
  value: {{ $os.forcePathStyle | quote }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ required "backups.objectStore.credentialsSecret.name is required when backups.enabled (a Secret in this namespace)" $os.credentialsSecret.name }}
      key: {{ $os.credentialsSecret.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $os.credentialsSecret.name }}
      key: {{ $os.credentialsSecret.secretAccessKeyKey }}
{{- if .Values.backups.egress.namespace }}
- name: BACKUP_EGRESS_NAMESPACE
  value: {{ .Values.backups.egress.namespace | quote }}
{{- else }}
- name: BACKUP_EGRESS_CIDR
  value: {{ .Values.backups.egress.cidr | quote }}
{{- end }}
- name: BACKUP_EGRESS_PORT
  value: {{ .Values.backups.egress.port | quote }}
{{- with .Values.backups.restoreWordpressImage }}
- name: RESTORE_WORDPRESS_IMAGE
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}
