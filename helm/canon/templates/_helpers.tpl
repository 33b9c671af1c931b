{{/* Names: the release's full name, truncated to the 63 characters Kubernetes allows. */}}
{{- define "canon.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "canon.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "canon.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "canon.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: canon
{{- end -}}

{{/* Selector labels of one component: pass (dict "root" $ "component" "api"). */}}
{{- define "canon.selectorLabels" -}}
app.kubernetes.io/name: {{ include "canon.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "canon.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "canon.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "canon.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Sensitive settings, each read from the existing Secret: the database URL (which must be there), then the optional
ones this component needs. Pass (dict "root" $ "optional" (list "bootstrapAdminKey" …)). */}}
{{- define "canon.secretEnv" -}}
{{- $secret := .root.Values.existingSecret -}}
{{- $keys := .root.Values.secretKeys -}}
{{- $names := dict "bootstrapAdminKey" "CANON_BOOTSTRAP_ADMIN_KEY" "meilisearchApiKey" "CANON_MEILISEARCH_API_KEY" "searchTokenSecret" "CANON_SEARCH_TOKEN_SECRET" "searchTokenSecrets" "CANON_SEARCH_TOKEN_SECRETS" "metricsToken" "CANON_METRICS_TOKEN" "oidcClientSecret" "CANON_OIDC_CLIENT_SECRET" "awsAccessKeyId" "AWS_ACCESS_KEY_ID" "awsSecretAccessKey" "AWS_SECRET_ACCESS_KEY" -}}
- name: CANON_DATABASE_URL
  valueFrom:
    secretKeyRef: {name: {{ $secret | quote }}, key: {{ $keys.databaseUrl | quote }}}
{{- range $value := .optional }}
{{- $key := index $keys $value }}
{{- if $key }}
- name: {{ index $names $value }}
  valueFrom:
    secretKeyRef: {name: {{ $secret | quote }}, key: {{ $key | quote }}, optional: true}
{{- end }}
{{- end }}
{{- end -}}

{{/* The writable /tmp every container gets (the root filesystem is read-only). */}}
{{- define "canon.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{- define "canon.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* Pod-level settings shared by the API and the worker: pass (dict "root" $ "component" "api" "values" .Values.api). */}}
{{- define "canon.podCommon" -}}
serviceAccountName: {{ include "canon.serviceAccountName" .root }}
automountServiceAccountToken: false
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* One NetworkPolicyEgressRule from a values entry {to, ports}; an empty list is left out (meaning every destination
or every port), so an entry with neither allows everything. */}}
{{- define "canon.egressRule" -}}
{{- $rule := dict -}}
{{- with .to }}{{ $_ := set $rule "to" . }}{{ end -}}
{{- with .ports }}{{ $_ := set $rule "ports" . }}{{ end -}}
{{- list $rule | toYaml -}}
{{- end -}}
