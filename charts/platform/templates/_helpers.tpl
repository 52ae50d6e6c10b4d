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

{{/* The bundled object store (object-store.yaml): its name, port and credentials Secret. */}}
{{- define "sp.objectStoreName" -}}{{ printf "%s-object-store" (include "sp.name" .) }}{{- end }}
{{- define "sp.objectStorePort" -}}7070{{- end }}
{{- define "sp.objectStoreSecretName" -}}
{{- .Values.backups.bundledObjectStore.existingSecret | default (include "sp.objectStoreName" .) -}}
{{- end }}

{{/*
The backup settings the controller passes to each store's backup Jobs
(docs/backups.md; read by apps/controller/src/backups/backup-env.ts). The
access key is read from the credentials Secret by reference; its value never
appears in values or the rendered manifest. With the bundled object store,
endpoint, bucket, credentials and the Jobs' egress all point at it.
*/}}
{{- define "sp.backupEnv" -}}
{{- if .Values.backups.enabled }}
{{- $os := .Values.backups.objectStore }}
{{- $bundled := .Values.backups.bundledObjectStore }}
{{- $endpoint := $os.endpoint }}
{{- $bucket := $os.bucket }}
{{- $forcePathStyle := $os.forcePathStyle }}
{{- $secret := $os.credentialsSecret.name }}
{{- $accessKeyIdKey := $os.credentialsSecret.accessKeyIdKey }}
{{- $secretAccessKeyKey := $os.credentialsSecret.secretAccessKeyKey }}
{{- if $bundled.enabled }}
{{- if or $os.endpoint $os.bucket $os.credentialsSecret.name }}
{{- fail "backups.bundledObjectStore.enabled uses the bundled server: leave backups.objectStore.endpoint, bucket and credentialsSecret.name empty (or turn the bundled server off to use your own bucket)" }}
{{- end }}
{{- $endpoint = printf "http://%s.%s.svc:%s" (include "sp.objectStoreName" .) .Release.Namespace (include "sp.objectStorePort" .) }}
{{- $bucket = $bundled.bucket }}
{{- $forcePathStyle = true }}
{{- $secret = include "sp.objectStoreSecretName" . }}
{{- $accessKeyIdKey = "access-key-id" }}
{{- $secretAccessKeyKey = "secret-access-key" }}
{{- end }}
- name: BACKUPS_ENABLED
  value: "true"
- name: BACKUP_IMAGE
  value: {{ printf "%s:%s" .Values.backups.image.repository .Values.backups.image.tag | quote }}
- name: BACKUP_S3_ENDPOINT
  value: {{ required "backups.objectStore.endpoint is required when backups.enabled (an http(s) URL), or set backups.bundledObjectStore.enabled" $endpoint | quote }}
- name: BACKUP_S3_REGION
  value: {{ $os.region | quote }}
- name: BACKUP_S3_BUCKET
  value: {{ required "backups.objectStore.bucket is required when backups.enabled" $bucket | quote }}
- name: BACKUP_S3_PREFIX
  value: {{ $os.prefix | quote }}
- name: BACKUP_S3_FORCE_PATH_STYLE
  value: {{ $forcePathStyle | quote }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ required "backups.objectStore.credentialsSecret.name is required when backups.enabled (a Secret in this namespace)" $secret }}
      key: {{ $accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $secretAccessKeyKey }}
{{- if $bundled.enabled }}
# Backup Jobs may reach this namespace on the object store's port only (and its NetworkPolicy admits only them and the controller).
- name: BACKUP_EGRESS_NAMESPACE
  value: {{ .Release.Namespace | quote }}
- name: BACKUP_EGRESS_PORT
  value: {{ include "sp.objectStorePort" . | quote }}
{{- else }}
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
{{- end }}
