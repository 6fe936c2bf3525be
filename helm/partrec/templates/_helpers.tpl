{{/*
The chart's name (nameOverride) and the release's full name (fullnameOverride, else
"<release>-<name>", or the release name when it already holds the name).
*/}}
{{- define "partrec.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "partrec.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "partrec.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "partrec.selectorLabels" -}}
app.kubernetes.io/name: {{ include "partrec.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "partrec.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "partrec.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
partrec.org/env: {{ .Values.env }}
{{- end -}}

{{/* The Kubernetes ServiceAccount of a role. Arguments: root, role (trainer or serving). */}}
{{- define "partrec.serviceAccountName" -}}
{{- $sa := get .root.Values.serviceAccount .role -}}
{{- if .root.Values.serviceAccount.create -}}
{{- default (printf "%s-%s" (include "partrec.fullname" .root) .role) $sa.name -}}
{{- else -}}
{{- default "default" $sa.name -}}
{{- end -}}
{{- end -}}

{{/*
Whether the cluster serves an API group/version: .Capabilities (filled by helm install and upgrade
from the cluster, and by helm template --api-versions), or the apiVersions value for renders that
cannot ask the cluster. Gives "true" or "".
*/}}
{{- define "partrec.hasApi" -}}
{{- if or (.root.Capabilities.APIVersions.Has .api) (has .api .root.Values.apiVersions) -}}true{{- end -}}
{{- end -}}

{{/* Monitoring: which of the two stacks renders, each only where the cluster serves its API. */}}
{{- define "partrec.operatorMonitoring" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (include "partrec.hasApi" (dict "root" . "api" "monitoring.coreos.com/v1")) -}}true{{- end -}}
{{- end -}}

{{- define "partrec.operatorRules" -}}
{{- $rules := .Values.metrics.prometheusRule.enabled -}}
{{- if not (kindIs "bool" $rules) }}{{ $rules = .Values.metrics.serviceMonitor.enabled }}{{ end -}}
{{- if and $rules (include "partrec.hasApi" (dict "root" . "api" "monitoring.coreos.com/v1")) -}}true{{- end -}}
{{- end -}}

{{- define "partrec.managedMonitoring" -}}
{{- if and .Values.metrics.managedPrometheus.enabled (include "partrec.hasApi" (dict "root" . "api" "monitoring.googleapis.com/v1")) -}}true{{- end -}}
{{- end -}}

{{/* The image reference: repository, then the tag (default the appVersion), then the digest if set. */}}
{{- define "partrec.image" -}}
{{- $i := .Values.image -}}
{{- if $i.digest -}}
{{- if $i.tag }}{{ printf "%s:%s@%s" $i.repository $i.tag $i.digest }}{{ else }}{{ printf "%s@%s" $i.repository $i.digest }}{{ end -}}
{{- else -}}
{{- printf "%s:%s" $i.repository (default .Chart.AppVersion $i.tag) -}}
{{- end -}}
{{- end -}}

{{/* IfNotPresent for a digest (it names one image for ever); Always for a tag, which can move. */}}
{{- define "partrec.pullPolicy" -}}
{{- default (ternary "IfNotPresent" "Always" (not (empty .Values.image.digest))) .Values.image.pullPolicy -}}
{{- end -}}

{{/*
The pods' grace period: the preStop sleep plus the service's stop phases at their longest
(shutdown.*), plus a margin. An explicit terminationGracePeriodSeconds below that is refused.
*/}}
{{- define "partrec.gracePeriod" -}}
{{- $need := int .Values.preStopSleepSeconds -}}
{{- range $phase, $s := .Values.shutdown -}}
{{- $need = add $need (int $s) -}}
{{- end -}}
{{- $set := .Values.terminationGracePeriodSeconds -}}
{{- if kindIs "invalid" $set -}}
{{- $need -}}
{{- else if lt (int $set) $need -}}
{{- fail (printf "terminationGracePeriodSeconds %v is shorter than the preStop sleep and the stop phases (shutdown.*): %d s" $set $need) -}}
{{- else -}}
{{- int $set -}}
{{- end -}}
{{- end -}}

{{/* The env the values choose, refused unless a config file of that name is in files/configs. */}}
{{- define "partrec.env" -}}
{{- $file := printf "files/configs/%s.yaml" .Values.env -}}
{{- if not (.Files.Get $file) -}}
{{- fail (printf "env %q: the chart has no %s (a copy of configs/%s.yaml)" .Values.env $file .Values.env) -}}
{{- end -}}
{{- .Values.env -}}
{{- end -}}

{{/* Google Cloud settings and an image of this build, required outside dev. */}}
{{- define "partrec.checkCloud" -}}
{{- if ne .Values.env "dev" -}}
{{- $_ := required (printf "gcp.project is required for env %s" .Values.env) .Values.gcp.project -}}
{{- $_ := required (printf "modelBucket is required for env %s" .Values.env) .Values.modelBucket -}}
{{- $_ := required (printf "serviceAccount.trainer.gcpServiceAccount (Workload Identity) is required for env %s" .Values.env) .Values.serviceAccount.trainer.gcpServiceAccount -}}
{{- if .Values.serving.enabled -}}
{{- $_ := required (printf "serviceAccount.serving.gcpServiceAccount (Workload Identity) is required for env %s" .Values.env) .Values.serviceAccount.serving.gcpServiceAccount -}}
{{- end -}}
{{- if not (or .Values.image.tag .Values.image.digest) -}}
{{- fail (printf "image.tag or image.digest is required for env %s: the build's own tag (e.g. the commit) or digest, so that a new image rolls out" .Values.env) -}}
{{- end -}}
{{- else if .Values.serving.enabled -}}
{{- fail "serving.enabled with env dev: dev's model store is a folder inside the trainer pod, which serving replicas cannot read" -}}
{{- end -}}
{{- if and .Values.metrics.serviceMonitor.enabled .Values.metrics.managedPrometheus.enabled -}}
{{- fail "metrics.serviceMonitor.enabled and metrics.managedPrometheus.enabled: choose one Prometheus, or every alert fires twice" -}}
{{- end -}}
{{- end -}}

{{/* Whether the trainer is behind the API Service: when asked, or when there is no one else. */}}
{{- define "partrec.trainerServesApi" -}}
{{- if or .Values.trainer.servesApi (not .Values.serving.enabled) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/*
The pod template of both workloads. Arguments: root (the chart context), role (trainer or
serving), training (bool), api (bool: behind the API Service), settings (.Values.trainer or
.Values.serving).
*/}}
{{- define "partrec.podTemplate" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $s := .settings -}}
{{- $env := include "partrec.env" $root -}}
metadata:
  labels:
    {{- include "partrec.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .role }}
    partrec.org/api: {{ .api | quote }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # a changed config file rolls the pods
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "partrec.serviceAccountName" (dict "root" $root "role" .role) }}
  automountServiceAccountToken: {{ $v.serviceAccount.automountToken }}
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $s.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  terminationGracePeriodSeconds: {{ include "partrec.gracePeriod" $root }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: partrec
      image: {{ include "partrec.image" $root | quote }}
      imagePullPolicy: {{ include "partrec.pullPolicy" $root }}
      ports:
        - name: http
          containerPort: 8080
          protocol: TCP
        - name: management
          containerPort: 8081
          protocol: TCP
      env:
        - name: PARTREC_ENV
          value: {{ $env | quote }}
        # the chart's copy of configs/<env>.yaml, over the one inside the jar
        - name: SPRING_CONFIG_ADDITIONAL_LOCATION
          value: "file:/etc/partrec/{{ $env }}.yaml"
        - name: PARTREC_TRAINING_ENABLED
          value: {{ .training | quote }}
        {{- if not .training }}
        # the output tables are the trainer's: a serving replica neither needs nor may create them
        # (its Google service account has no BigQuery role), so its start never waits on BigQuery
        - name: PARTREC_WAREHOUSE_BIGQUERY_CREATETABLES
          value: "false"
        {{- end }}
        - name: GCP_PROJECT
          value: {{ $v.gcp.project | quote }}
        - name: PARTREC_MODEL_BUCKET
          value: {{ $v.modelBucket | quote }}
        - name: PARTREC_EVENTS_TOPIC
          value: {{ $v.eventsTopic | quote }}
        # the merchandising rules of the values (rules-configmap.yaml), re-read when they change
        - name: PARTREC_RULES_FILE
          value: /etc/partrec-rules/rules.yaml
        {{- if not .api }}
        # no API traffic reaches the trainer: no posted events to fan out, nor any to take in
        - name: PARTREC_EVENTS_FANOUT_TYPE
          value: "local"
        {{- end }}
        - name: PARTREC_OPS_TOKEN
          valueFrom:
            secretKeyRef:
              name: {{ required "opsToken.secretName is required" $v.opsToken.secretName }}
              key: {{ required "opsToken.secretKey is required" $v.opsToken.secretKey }}
        {{- with $v.javaOptions }}
        - name: JDK_JAVA_OPTIONS
          value: {{ . | quote }}
        {{- end }}
        {{- with $s.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $v.envFrom }}
      envFrom:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      startupProbe:
        httpGet:
          path: /actuator/health/liveness
          port: management
        periodSeconds: {{ $s.startupProbe.periodSeconds }}
        failureThreshold: {{ $s.startupProbe.failureThreshold }}
        timeoutSeconds: 3
      {{- /* liveness and readiness on the API port (Spring Boot's additional paths of the same health
             groups), so that a hung API port fails them; start-up on the management port */}}
      livenessProbe:
        httpGet:
          path: /livez
          port: http
        periodSeconds: {{ $v.probes.liveness.periodSeconds }}
        timeoutSeconds: {{ $v.probes.liveness.timeoutSeconds }}
        failureThreshold: {{ $v.probes.liveness.failureThreshold }}
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        periodSeconds: {{ $v.probes.readiness.periodSeconds }}
        timeoutSeconds: {{ $v.probes.readiness.timeoutSeconds }}
        failureThreshold: {{ $v.probes.readiness.failureThreshold }}
      {{- if gt (int $v.preStopSleepSeconds) 0 }}
      lifecycle:
        preStop:
          exec:
            command: ["sleep", "{{ $v.preStopSleepSeconds }}"]
      {{- end }}
      resources:
        {{- toYaml $s.resources | nindent 8 }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: config
          mountPath: /etc/partrec
          readOnly: true
        - name: rules
          mountPath: /etc/partrec-rules
          readOnly: true
        {{- if eq $env "dev" }}
        - name: data
          mountPath: /app/data
        {{- end }}
        {{- with $v.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $v.tmpSizeLimit }}
    - name: config
      configMap:
        name: {{ include "partrec.fullname" $root }}-config
    - name: rules
      configMap:
        name: {{ include "partrec.fullname" $root }}-rules
    {{- if eq $env "dev" }}
    - name: data
      emptyDir:
        sizeLimit: {{ $v.dataSizeLimit }}
    {{- end }}
    {{- with $v.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $s.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $s.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $s.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $s.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- range . }}
    - {{- toYaml (merge (dict) . (dict "labelSelector" (dict "matchLabels" (fromYaml (printf "%s\napp.kubernetes.io/component: %s" (include "partrec.selectorLabels" $root) $.role))))) | nindent 6 }}
    {{- end }}
  {{- end }}
{{- end -}}
