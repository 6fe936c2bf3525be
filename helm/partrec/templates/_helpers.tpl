{{/* The release's full name: "<release>-partrec", or the release name when it already says partrec. */}}
{{- define "partrec.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "partrec.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "partrec.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "partrec.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
partrec.org/env: {{ .Values.env }}
{{- end -}}

{{- define "partrec.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "partrec.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
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

{{/* Google Cloud settings, required outside dev. */}}
{{- define "partrec.checkCloud" -}}
{{- if ne .Values.env "dev" -}}
{{- $_ := required (printf "gcp.project is required for env %s" .Values.env) .Values.gcp.project -}}
{{- $_ := required (printf "modelBucket is required for env %s" .Values.env) .Values.modelBucket -}}
{{- $_ := required (printf "gcp.serviceAccount (Workload Identity) is required for env %s" .Values.env) .Values.gcp.serviceAccount -}}
{{- else if .Values.serving.enabled -}}
{{- fail "serving.enabled with env dev: dev's model store is a folder inside the trainer pod, which serving replicas cannot read" -}}
{{- end -}}
{{- end -}}

{{/*
The pod template of both Deployments. Arguments: root (the chart context), role (trainer or
serving), training (bool), api (bool: behind the API Service), settings (.Values.trainer or
.Values.serving).
*/}}
{{- define "partrec.podTemplate" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
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
  serviceAccountName: {{ include "partrec.serviceAccountName" $root }}
  automountServiceAccountToken: {{ $v.serviceAccount.automountToken }}
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: partrec
      image: "{{ $v.image.repository }}:{{ default $root.Chart.AppVersion $v.image.tag }}"
      imagePullPolicy: {{ $v.image.pullPolicy }}
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
        - name: GCP_PROJECT
          value: {{ $v.gcp.project | quote }}
        - name: PARTREC_MODEL_BUCKET
          value: {{ $v.modelBucket | quote }}
        - name: PARTREC_OPS_TOKEN
          valueFrom:
            secretKeyRef:
              name: {{ required "opsToken.secretName is required" $v.opsToken.secretName }}
              key: {{ required "opsToken.secretKey is required" $v.opsToken.secretKey }}
        {{- with $v.javaToolOptions }}
        - name: JAVA_TOOL_OPTIONS
          value: {{ . | quote }}
        {{- end }}
        {{- with .settings.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      startupProbe:
        httpGet:
          path: /actuator/health/liveness
          port: management
        periodSeconds: {{ .settings.startupProbe.periodSeconds }}
        failureThreshold: {{ .settings.startupProbe.failureThreshold }}
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
        {{- toYaml .settings.resources | nindent 8 }}
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
        {{- if eq $env "dev" }}
        - name: data
          mountPath: /app/data
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $v.tmpSizeLimit }}
    - name: config
      configMap:
        name: {{ include "partrec.fullname" $root }}-config
    {{- if eq $env "dev" }}
    - name: data
      emptyDir:
        sizeLimit: {{ $v.dataSizeLimit }}
    {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
