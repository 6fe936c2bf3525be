# partrec: built with the Maven wrapper on JDK 17 and run as Spring Boot's layered jar on the JRE of
# the same Java 17 release: the Java the tests run on. Plain Docker builds it (no BuildKit needed).
#
#   docker build -t partrec .
#   docker run --read-only --tmpfs /tmp:exec -v partrec-data:/app/data -p 8080:8080 -p 8081:8081 partrec
#
# PARTREC_ENV picks configs/<env>.yaml: dev (the default: embedded DuckDB and a model folder under
# /app/data, which must then be writable), staging or prod (BigQuery and GCS: nothing is written
# outside /tmp). /tmp must allow exec: DuckDB and gRPC unpack native libraries there, and Docker's
# --tmpfs is noexec unless told otherwise (a Kubernetes emptyDir is not).
#
# JVM flags: the image's defaults are in JAVA_TOOL_OPTIONS (G1, pinned: under a CPU limit of 1 the
# JVM would pick SerialGC; the heap at 75% of the memory limit; exit on OutOfMemoryError). Flags in
# JDK_JAVA_OPTIONS (the chart's javaOptions) come after them and win, flag by flag.
#
# Base images are pinned by release. Pin them by digest too when building a release:
#   docker build --build-arg JDK_IMAGE=eclipse-temurin:17.0.15_6-jdk-noble@sha256:<digest> \
#                --build-arg JRE_IMAGE=eclipse-temurin:17.0.15_6-jre-noble@sha256:<digest> -t partrec .
# (docker buildx imagetools inspect <image> prints the digest; the project's build machines reach no
# registry, so no digest is written here.)
#
# Start-up uses class-data sharing (CDS): the image is built with a training run that starts the
# service up to a refreshed context and writes the classes it loaded to /app/partrec.jsa; every
# start maps them instead of loading and verifying them from the jars (README, "Start-up").

ARG JDK_IMAGE=eclipse-temurin:17.0.15_6-jdk-noble
ARG JRE_IMAGE=eclipse-temurin:17.0.15_6-jre-noble

FROM ${JDK_IMAGE} AS build
WORKDIR /build
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
# the dependencies, in a layer of their own: rebuilt only when pom.xml changes (no BuildKit cache mount)
RUN ./mvnw -B -q dependency:go-offline
COPY src/main/ src/main/
COPY configs/ configs/
COPY sql/ sql/
# the jar (target/partrec.jar, pom.xml's finalName), then its layers (BOOT-INF/layers.idx):
# dependencies, spring-boot-loader, snapshot-dependencies, application, each a directory of extracted/.
# Together they are a plain partrec.jar (its manifest's Class-Path names lib/) and lib/ with the
# dependencies' jars: CDS archives classes from jars on the class path, not from jars nested in a jar.
RUN ./mvnw -B -DskipTests package \
 && java -Djarmode=tools -jar target/partrec.jar extract --layers --destination extracted

FROM ${JRE_IMAGE} AS run
# the JVM's defaults (see above), for the CDS training run below as for every start
ENV JAVA_TOOL_OPTIONS="-XX:+UseG1GC -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
RUN groupadd --gid 10001 partrec \
 && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin partrec \
 && mkdir -p /app/data \
 && chown 10001:10001 /app/data
WORKDIR /app
# least changed first, so a code change rebuilds only the last layer; owned by root, read-only to the service
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./
# The CDS training run, on this image's java, with the ENTRYPOINT's module option and class path
# (a different one and the archive is ignored): every bean is created, then the JVM exits before
# any server, training or export starts (-Dspring.context.exit=onRefresh) and writes partrec.jsa.
# The store it opens lies under /tmp/cds and is deleted: the image holds no data. The base image
# has the JDK's own archive (java -Xshare:dump), which the dynamic one extends; test -s fails the
# build if no archive was written.
RUN mkdir /tmp/cds \
 && java -XX:ArchiveClassesAtExit=/app/partrec.jsa -Dspring.context.exit=onRefresh --add-modules jdk.incubator.vector \
      -Djava.io.tmpdir=/tmp/cds -jar /app/partrec.jar --partrec.demo.load=false \
      --partrec.warehouse.path=/tmp/cds/warehouse.duckdb --partrec.models.path=/tmp/cds/model-store \
 && test -s /app/partrec.jsa \
 && rm -rf /tmp/cds /tmp/hsperfdata_*
ENV PARTREC_ENV=dev
USER 10001:10001
EXPOSE 8080 8081
# For plain Docker (Kubernetes ignores it and probes the health groups itself); health needs no token.
# curl comes with the base image.
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://localhost:8081/actuator/health/liveness"]
# exec form: java is PID 1 and gets SIGTERM, so the graceful shutdown runs. Should the archive not
# match (another java, other module options), the JVM says so and starts without it.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/partrec.jsa", "--add-modules", "jdk.incubator.vector", "-Djava.io.tmpdir=/tmp", "-jar", "/app/partrec.jar"]
