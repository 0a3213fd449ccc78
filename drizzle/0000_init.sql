CREATE TABLE "activity_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" varchar(12) NOT NULL,
	"type" varchar(32) NOT NULL,
	"user_id" varchar(64),
	"user_name" varchar(64),
	"count" integer DEFAULT 1 NOT NULL,
	"details" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"session_id" varchar(12) PRIMARY KEY NOT NULL,
	"title" varchar(255) NOT NULL,
	"language" varchar(32) NOT NULL,
	"code" text DEFAULT '' NOT NULL,
	"doc_state" "bytea",
	"owner_key_hash" varchar(64) NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_active" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"deleted_at" timestamp with time zone,
	"creator_ip" varchar(64),
	"active_users" integer DEFAULT 0 NOT NULL,
	"total_edits" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activity_logs" ADD CONSTRAINT "activity_logs_session_id_sessions_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("session_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_logs_session_idx" ON "activity_logs" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE INDEX "sessions_public_created_idx" ON "sessions" USING btree ("created_at" DESC NULLS LAST) WHERE "sessions"."is_public" and "sessions"."is_active";--> statement-breakpoint
CREATE INDEX "sessions_active_expires_idx" ON "sessions" USING btree ("expires_at") WHERE "sessions"."is_active";